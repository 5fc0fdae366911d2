import AgentCore
import Foundation

/// A response of the proxy's HTTP endpoints, independent of the transport.
public struct ProxyHTTPResponse: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: String

    public init(status: Int, contentType: String, body: String) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// The proxy's routes as pure functions of method and path, as upstream serves them:
///
/// - health server (`--proxy-healthz-bind-address`, 0.0.0.0:10256): `GET /healthz` and `GET /livez`, 200 or 503
///   with `{"lastUpdated": "...","currentTime": "...", "nodeEligible": true}` (livez without `nodeEligible`);
///   each answer counts in `kubeproxy_proxy_healthz_total{code}` / `kubeproxy_proxy_livez_total{code}`.
/// - metrics server (`--proxy-metrics-bind-address`, 127.0.0.1:10249): `GET /metrics` (Prometheus text) and
///   `GET /healthz` (`ok`, as upstream's metrics mux has it).
public struct ProxyHTTPRoutes: Sendable {
    public let health: ProxyHealth
    public let metrics: ProxyMetrics

    public init(health: ProxyHealth, metrics: ProxyMetrics) {
        self.health = health
        self.metrics = metrics
    }

    /// Answers a request to the health server.
    public func healthServer(method: String, path: String) -> ProxyHTTPResponse {
        guard method == "GET" || method == "HEAD" else { return Self.methodNotAllowed }
        switch Self.stripQuery(path) {
        case "/healthz": return self.healthz()
        case "/livez": return self.livez()
        default: return Self.notFound
        }
    }

    /// Answers a request to the metrics server.
    public func metricsServer(method: String, path: String) -> ProxyHTTPResponse {
        guard method == "GET" || method == "HEAD" else { return Self.methodNotAllowed }
        switch Self.stripQuery(path) {
        case "/metrics":
            return ProxyHTTPResponse(
                status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: self.metrics.registry.render()
            )
        case "/healthz": return ProxyHTTPResponse(status: 200, contentType: "text/plain; charset=utf-8", body: "ok")
        default: return Self.notFound
        }
    }

    /// `/healthz`: the proxy's health and the node's eligibility.
    public func healthz() -> ProxyHTTPResponse {
        let status = self.health.status()
        let healthy = status.healthy && status.nodeEligible
        self.metrics.healthzTotal.increment(labels: [healthy ? "200" : "503"])
        let lastUpdated = healthy ? status.currentTime : status.lastUpdated
        let body = "{\"lastUpdated\": \(Self.quoted(lastUpdated)),\"currentTime\": \(Self.quoted(status.currentTime)), "
            + "\"nodeEligible\": \(status.nodeEligible)}"
        return ProxyHTTPResponse(status: healthy ? 200 : 503, contentType: "application/json", body: body)
    }

    /// `/livez`: the proxy's health only.
    public func livez() -> ProxyHTTPResponse {
        let status = self.health.status()
        self.metrics.livezTotal.increment(labels: [status.healthy ? "200" : "503"])
        let lastUpdated = status.healthy ? status.currentTime : status.lastUpdated
        let body = "{\"lastUpdated\": \(Self.quoted(lastUpdated)),\"currentTime\": \(Self.quoted(status.currentTime))}"
        return ProxyHTTPResponse(status: status.healthy ? 200 : 503, contentType: "application/json", body: body)
    }

    static let notFound = ProxyHTTPResponse(status: 404, contentType: "text/plain; charset=utf-8", body: "404 page not found\n")
    static let methodNotAllowed = ProxyHTTPResponse(
        status: 405, contentType: "text/plain; charset=utf-8", body: "405 method not allowed\n"
    )

    static func stripQuery(_ path: String) -> String {
        path.firstIndex(of: "?").map { String(path[..<$0]) } ?? path
    }

    /// A time as Go's `%q` of a `time.Time` prints it: `"2006-01-02 15:04:05.999999999 +0000 UTC"`; the zero
    /// time for `nil`.
    static func quoted(_ date: Date?) -> String {
        guard let date else { return "\"0001-01-01 00:00:00 +0000 UTC\"" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS"
        var text = formatter.string(from: date)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return "\"" + text + " +0000 UTC\""
    }
}
