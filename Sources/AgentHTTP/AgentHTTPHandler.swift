public import AgentCore
public import Foundation

/// A response of the agent's HTTP surface, independent of the transport.
public struct AgentHTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The value of the first header called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body
            && lhs.headers.map { "\($0.name): \($0.value)" } == rhs.headers.map { "\($0.name): \($0.value)" }
    }

    static func text(_ status: Int, _ body: String, contentType: String = "text/plain; charset=utf-8") -> Self {
        Self(
            status: status,
            headers: [("Content-Type", contentType), ("X-Content-Type-Options", "nosniff")],
            body: Array(body.utf8)
        )
    }
}

/// The routes of the agent's HTTP server, as a pure function of method and URI (no sockets), so they are tested
/// directly.
///
/// - `GET /healthz`: `200 ok`; with `?verbose` one `[+]name ok` line per check then `healthz check passed`. When a
///   check fails: 500 with `[-]name failed: <reason>` lines and `healthz check failed` (upstream withholds the
///   reason; this endpoint listens on localhost, so the reason is shown).
/// - `GET /healthz/<check>`: `200 ok`, or 500 `internal server error: <reason>`.
/// - `GET /metrics`: the Prometheus text (`text/plain; version=0.0.4; charset=utf-8`).
/// - `GET /pods`: the agent's pods as a v1 `PodList` (JSON).
/// - Unknown paths: 404. Other methods than GET and HEAD on a known path: 405.
public struct AgentHTTPHandler: Sendable {
    public var healthChecks: HealthChecks
    public var metricsText: @Sendable () -> String
    public var podsJSON: @Sendable () async -> Data
    /// When set, answers every request instead of the routes above: another component's HTTP surface on its own
    /// port (the service proxy's `/healthz`, `/livez` and `/metrics`), served by the same server code.
    public var customRoutes: (@Sendable (_ method: String, _ uri: String) async -> AgentHTTPResponse)?

    /// - Parameters:
    ///   - healthChecks: the checks behind `/healthz`.
    ///   - metricsText: the `/metrics` body, e.g. `{ metrics.registry.render() }`.
    ///   - podsJSON: the `/pods` body, a v1 `PodList` encoded as JSON.
    public init(
        healthChecks: HealthChecks,
        metricsText: @escaping @Sendable () -> String,
        podsJSON: @escaping @Sendable () async -> Data
    ) {
        self.healthChecks = healthChecks
        self.metricsText = metricsText
        self.podsJSON = podsJSON
    }

    /// A handler whose every answer comes from `routes`.
    /// - Parameter routes: the response for a method and request target.
    public init(routes: @escaping @Sendable (_ method: String, _ uri: String) async -> AgentHTTPResponse) {
        self.init(healthChecks: HealthChecks(), metricsText: { "" }, podsJSON: { Data() })
        self.customRoutes = routes
    }

    /// Answers one request.
    /// - Parameters:
    ///   - method: the HTTP method, e.g. `GET`.
    ///   - uri: the request target, e.g. `/healthz?verbose`.
    public func respond(method: String, uri: String) async -> AgentHTTPResponse {
        if let customRoutes = self.customRoutes { return await customRoutes(method, uri) }
        let (path, query) = Self.split(uri)
        let route: Route
        switch path {
        case "/healthz": route = .healthz
        case "/metrics": route = .metrics
        case "/pods", "/pods/": route = .pods
        case _ where path.hasPrefix("/healthz/"): route = .healthCheck(String(path.dropFirst("/healthz/".count)))
        default: return .text(404, "404 page not found\n")
        }
        guard method == "GET" || method == "HEAD" else {
            var response = AgentHTTPResponse.text(405, "405 method not allowed\n")
            response.headers.append(("Allow", "GET, HEAD"))
            return response
        }
        switch route {
        case .healthz:
            return self.healthz(verbose: query.contains { $0.name == "verbose" })
        case .healthCheck(let name):
            switch self.healthChecks.run(name) {
            case nil: return .text(404, "404 page not found\n")
            case .healthy: return .text(200, "ok")
            case .unhealthy(let reason): return .text(500, "internal server error: \(reason)\n")
            }
        case .metrics:
            return .text(200, self.metricsText(), contentType: PrometheusText.contentType)
        case .pods:
            let body = await self.podsJSON()
            return AgentHTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(body))
        }
    }

    private enum Route {
        case healthz
        case healthCheck(String)
        case metrics
        case pods
    }

    func healthz(verbose: Bool) -> AgentHTTPResponse {
        let results = self.healthChecks.run()
        var lines = ""
        var failed = false
        for (name, result) in results {
            switch result {
            case .healthy:
                lines += "[+]\(name) ok\n"
            case .unhealthy(let reason):
                lines += "[-]\(name) failed: \(reason)\n"
                failed = true
            }
        }
        if failed {
            return .text(500, lines + "healthz check failed\n")
        }
        return .text(200, verbose ? lines + "healthz check passed\n" : "ok")
    }

    /// Splits a request target into its path and query items (`a=b`, or a bare `verbose`).
    static func split(_ uri: String) -> (path: String, query: [(name: String, value: String)]) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, []) }
        let path = String(uri[..<mark])
        let query = uri[uri.index(after: mark)...].split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (name: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
        }
        return (path, query)
    }
}
