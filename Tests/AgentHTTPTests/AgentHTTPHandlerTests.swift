import AgentCore
import AgentHTTP
import Foundation
import Testing

@Suite("HTTP routes")
struct AgentHTTPHandlerTests {
    static func handler(_ checks: HealthChecks = HealthChecks()) -> AgentHTTPHandler {
        AgentHTTPHandler(
            healthChecks: checks,
            metricsText: { "# HELP x X.\n# TYPE x gauge\nx 1\n" },
            podsJSON: { Data(#"{"kind":"PodList","apiVersion":"v1","items":[]}"#.utf8) }
        )
    }

    @Test func healthzOk() async {
        let response = await Self.handler().respond(method: "GET", uri: "/healthz")
        #expect(response.status == 200)
        #expect(response.text == "ok")
        #expect(response.header("content-type") == "text/plain; charset=utf-8")
    }

    @Test func healthzVerboseListsChecks() async {
        let checks = HealthChecks()
        checks.register("syncloop") { .healthy }
        let response = await Self.handler(checks).respond(method: "GET", uri: "/healthz?verbose")
        #expect(response.status == 200)
        #expect(response.text == "[+]ping ok\n[+]syncloop ok\nhealthz check passed\n")
        let withValue = await Self.handler(checks).respond(method: "GET", uri: "/healthz?verbose=1")
        #expect(withValue.text == response.text)
    }

    @Test func healthzFailureNamesTheCheckAndReason() async {
        let checks = HealthChecks()
        checks.register("syncloop") { .healthy }
        checks.register("pleg") {
            .unhealthy("PLEG is not healthy: pleg was last seen active 3m0s ago; threshold is 3m0s")
        }
        let response = await Self.handler(checks).respond(method: "GET", uri: "/healthz")
        #expect(response.status == 500)
        #expect(
            response.text == """
                [+]ping ok
                [+]syncloop ok
                [-]pleg failed: PLEG is not healthy: pleg was last seen active 3m0s ago; threshold is 3m0s
                healthz check failed

                """
        )
    }

    @Test func singleCheck() async {
        let checks = HealthChecks()
        checks.register("syncloop") { .unhealthy("sync loop took longer than expected") }
        let handler = Self.handler(checks)
        let ping = await handler.respond(method: "GET", uri: "/healthz/ping")
        #expect(ping.status == 200 && ping.text == "ok")
        let sync = await handler.respond(method: "GET", uri: "/healthz/syncloop")
        #expect(sync.status == 500)
        #expect(sync.text == "internal server error: sync loop took longer than expected\n")
        #expect(await handler.respond(method: "GET", uri: "/healthz/nope").status == 404)
    }

    @Test func metricsContentType() async {
        let response = await Self.handler().respond(method: "GET", uri: "/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(response.text == "# HELP x X.\n# TYPE x gauge\nx 1\n")
    }

    @Test func podsJSON() async {
        let response = await Self.handler().respond(method: "GET", uri: "/pods")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.text.contains("\"kind\":\"PodList\""))
    }

    @Test(arguments: ["/", "/nope", "/healthzz", "/metrics/cadvisor"])
    func unknownPathIs404(path: String) async {
        let response = await Self.handler().respond(method: "GET", uri: path)
        #expect(response.status == 404)
        #expect(response.text == "404 page not found\n")
    }

    @Test(arguments: ["POST", "PUT", "DELETE", "PATCH"])
    func otherMethodsAre405(method: String) async {
        for path in ["/healthz", "/metrics", "/pods"] {
            let response = await Self.handler().respond(method: method, uri: path)
            #expect(response.status == 405)
            #expect(response.header("Allow") == "GET, HEAD")
        }
    }

    @Test func configurationFromFlags() {
        #expect(AgentHTTPServer.Configuration(bindAddress: "127.0.0.1", port: 0) == nil)
        #expect(
            AgentHTTPServer.Configuration(bindAddress: "0.0.0.0", port: 10248)
                == AgentHTTPServer.Configuration(host: "0.0.0.0", port: 10248)
        )
    }
}
