public import Foundation
import KubeAPI

/// A complete (non-streamed) answer.
public struct KubeletResponse: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: self.body, as: UTF8.self) }

    static func text(_ status: Int, _ text: String) -> Self { Self(status: status, body: Array(text.utf8)) }
}

/// The kubelet API's routes (upstream pkg/kubelet/server/server.go) as a function of method and request target:
///
/// - `GET /containerLogs/{namespace}/{pod}/{container}`: the container's log (see ``ContainerLogOptions``);
///   404 `pod "p" does not exist` / `container "c" not found in pod "p"`; 400 with upstream's text when the
///   container has no log to show (``ContainerLogTarget/resolve(pod:container:previous:podLogsDirectory:)``).
/// - `GET /healthz`: `ok`. `GET /metrics`: the agent's Prometheus text. `GET /pods`: the PodList the agent runs.
///   `GET /runningpods/`: the pods with a running container, each with only its name, namespace, UID and the
///   running containers' names and images (upstream builds it from the runtime the same way).
public struct KubeletRoutes: Sendable {
    public var locator: any PodLogLocator
    /// `--pod-logs-dir`: where the CRI log files are.
    public var podLogsDirectory: String
    public var metricsText: @Sendable () -> String
    /// The `/pods` body (a v1 PodList as JSON), the same as the healthz port's.
    public var podsJSON: @Sendable () async -> Data
    /// The clock of `sinceSeconds`.
    public var now: @Sendable () -> LogTimestamp = {
        LogTimestamp(nanosecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000_000))
    }
    /// How often a follower polls the log file.
    public var followPollInterval: Duration = .milliseconds(200)

    public init(
        locator: any PodLogLocator,
        podLogsDirectory: String,
        metricsText: @escaping @Sendable () -> String,
        podsJSON: @escaping @Sendable () async -> Data
    ) {
        self.locator = locator
        self.podLogsDirectory = podLogsDirectory
        self.metricsText = metricsText
        self.podsJSON = podsJSON
    }

    /// What to send: a complete response, or a log stream whose file is already open.
    public enum Reply: Sendable {
        case response(KubeletResponse)
        case logs(ContainerLogStream, FileHandle)

        /// The complete response (a log stream's reply is nil).
        public var response: KubeletResponse? {
            if case .response(let response) = self { return response }
            return nil
        }
    }

    /// Answers one request.
    public func respond(method: String, uri: String) async -> Reply {
        let (path, query) = ContainerLogOptions.split(uri)
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        let known =
            ["/healthz", "/metrics", "/pods", "/pods/", "/runningpods", "/runningpods/"].contains(path)
            || segments.first == "containerLogs"
        guard known else { return .response(.text(404, "404 page not found\n")) }
        guard method == "GET" || method == "HEAD" else {
            return .response(.text(405, "405: Method Not Allowed"))
        }
        switch path {
        case "/healthz":
            return .response(.text(200, "ok"))
        case "/metrics":
            return .response(
                KubeletResponse(
                    status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
                    body: Array(self.metricsText().utf8)))
        case "/pods", "/pods/":
            return .response(
                KubeletResponse(status: 200, contentType: "application/json", body: Array(await self.podsJSON())))
        case "/runningpods", "/runningpods/":
            return .response(self.runningPods())
        default:
            return self.containerLogs(segments: Array(segments.dropFirst()), query: query)
        }
    }

    func containerLogs(segments: [String], query: [(name: String, value: String)]) -> Reply {
        let namespace = segments.count > 0 ? segments[0] : ""
        let podName = segments.count > 1 ? segments[1] : ""
        let container = segments.count > 2 ? segments[2] : ""
        guard segments.count <= 3 else { return .response(.text(404, "404 page not found\n")) }
        if podName.isEmpty { return .response(.text(400, #"{"message": "Missing podID."}"#)) }
        if container.isEmpty { return .response(.text(400, #"{"message": "Missing container name."}"#)) }
        if namespace.isEmpty { return .response(.text(400, #"{"message": "Missing podNamespace."}"#)) }
        let options: ContainerLogOptions
        do {
            options = try ContainerLogOptions(query: query)
        } catch {
            return .response(.text(error.status, error.message))
        }
        guard let pod = self.locator.pod(namespace: namespace, name: podName) else {
            return .response(.text(404, "pod \"\(podName)\" does not exist"))
        }
        let specs = pod.spec.containers + pod.spec.initContainers
        guard specs.contains(where: { $0.name == container }) else {
            return .response(.text(404, "container \"\(container)\" not found in pod \"\(podName)\""))
        }
        do {
            let target = try ContainerLogTarget.resolve(
                pod: pod, container: container, previous: options.previous, podLogsDirectory: self.podLogsDirectory)
            let locator = self.locator
            let stream = ContainerLogStream(
                target: target, options: options, since: options.since(now: self.now()),
                pollInterval: self.followPollInterval,
                stillRunning: { target.isRunning(in: locator.pod(namespace: namespace, name: podName)) }
            )
            return .logs(stream, try stream.open())
        } catch {
            return .response(.text(400, error.description))
        }
    }

    /// Pods with at least one running container, as upstream's `kubecontainer.Pod.ToAPIPod()`.
    func runningPods() -> KubeletResponse {
        let items = self.locator.pods().compactMap { pod -> Pod? in
            let statuses = (pod.status?.initContainerStatuses ?? []) + (pod.status?.containerStatuses ?? [])
            let running = statuses.filter { $0.state?.running != nil }
            guard !running.isEmpty else { return nil }
            let specs = pod.spec.initContainers + pod.spec.containers
            var spec = PodSpec()
            spec.containers = running.map { status in
                Container(name: status.name, image: specs.first { $0.name == status.name }?.image ?? status.image)
            }
            return Pod(
                metadata: ObjectMeta(name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid),
                spec: spec)
        }
        let list = PodList(apiVersion: "v1", kind: "PodList", items: items)
        let body =
            (try? KubeJSON.encoder().encode(list)) ?? Data(#"{"kind":"PodList","apiVersion":"v1","items":[]}"#.utf8)
        return KubeletResponse(status: 200, contentType: "application/json", body: Array(body))
    }
}
