import AgentCore
import Foundation
import ServiceProxy
import Synchronization
import Testing

@Suite("Apply: kube-proxy health and metrics endpoints")
struct ApplyHealthTests {
    final class WallClock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_700_000_000))
        func advance(_ seconds: Double) { self.now.withLock { $0 += seconds } }
    }

    @Test("healthy at start; 503 once a queued update waits 2 x syncPeriod; 200 again once applied")
    func healthTimeout() {
        let wall = WallClock()
        let health = ProxyHealth(healthTimeout: .seconds(60)) { wall.now.withLock { $0 } }
        let metrics = ProxyMetrics()
        let routes = ProxyHTTPRoutes(health: health, metrics: metrics)
        #expect(routes.healthServer(method: "GET", path: "/healthz").status == 200)
        health.queuedUpdate()
        wall.advance(59)
        #expect(routes.healthServer(method: "GET", path: "/healthz").status == 200)
        health.queuedUpdate()  // a newer update does not reset the oldest pending one
        wall.advance(1)
        let unhealthy = routes.healthServer(method: "GET", path: "/healthz")
        #expect(unhealthy.status == 503)
        #expect(unhealthy.contentType == "application/json")
        #expect(unhealthy.body.hasPrefix("{\"lastUpdated\": \"0001-01-01 00:00:00 +0000 UTC\",\"currentTime\": \"2023-11-14 22:14:20 +0000 UTC\""))
        #expect(routes.healthServer(method: "GET", path: "/livez").status == 503)
        health.updated()
        let healthy = routes.healthServer(method: "GET", path: "/healthz")
        #expect(healthy.status == 200)
        #expect(healthy.body.hasSuffix(", \"nodeEligible\": true}"))
        #expect(metrics.healthzTotal.value(labels: ["503"]) == 1)
        #expect(metrics.healthzTotal.value(labels: ["200"]) == 3)
        #expect(metrics.livezTotal.value(labels: ["503"]) == 1)
    }

    @Test("healthz fails for an ineligible node, livez does not")
    func eligibility() {
        let health = ProxyHealth(healthTimeout: .seconds(60))
        let routes = ProxyHTTPRoutes(health: health, metrics: ProxyMetrics())
        health.setNodeEligible(false)
        #expect(routes.healthServer(method: "GET", path: "/healthz").status == 503)
        #expect(routes.healthServer(method: "GET", path: "/livez").status == 200)
    }

    @Test("the metrics server serves upstream's metric names; unknown paths are 404")
    func metricsRoutes() {
        let metrics = ProxyMetrics()
        metrics.syncProxyRulesDuration.observe(.milliseconds(3))
        let routes = ProxyHTTPRoutes(health: ProxyHealth(healthTimeout: .seconds(60)), metrics: metrics)
        let response = routes.metricsServer(method: "GET", path: "/metrics")
        #expect(response.status == 200)
        for name in [
            "kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.004\"} 1",
            "# TYPE kubeproxy_sync_proxy_rules_last_timestamp_seconds gauge",
            "# TYPE kubeproxy_network_programming_duration_seconds histogram",
            "kubeproxy_sync_proxy_rules_iptables_restore_failures_total 0",
            "# HELP kubeproxy_sync_proxy_rules_duration_seconds [ALPHA] SyncProxyRules latency in seconds",
        ] {
            #expect(response.body.contains(name), "missing \(name)")
        }
        #expect(routes.metricsServer(method: "GET", path: "/nope").status == 404)
        #expect(routes.healthServer(method: "POST", path: "/healthz").status == 405)
    }
}
