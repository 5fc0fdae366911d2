public import Foundation
public import KubeAPI

/// Which probe of a container (upstream's `probeType`).
public enum ProbeKind: String, Hashable, Sendable, CaseIterable {
    case liveness
    case readiness
    case startup

    /// The probe of this kind in `container`, if any.
    public func probe(of container: Container) -> Probe? {
        switch self {
        case .liveness: container.livenessProbe
        case .readiness: container.readinessProbe
        case .startup: container.startupProbe
        }
    }
}

/// The outcome of one probe run. `unknown` means the prober itself failed: it changes nothing.
public enum ProbeResult: String, Hashable, Sendable {
    case success
    case failure
    case unknown
}

/// A probe's timing and thresholds with the upstream defaults applied
/// (initialDelay 0, period 10 s, timeout 1 s, success 1, failure 3; minimums 0/1/1/1/1).
public struct ProbeTiming: Hashable, Sendable {
    public var initialDelaySeconds: Int
    public var periodSeconds: Int
    public var timeoutSeconds: Int
    public var successThreshold: Int
    public var failureThreshold: Int

    public init(_ probe: Probe, kind: ProbeKind) {
        self.initialDelaySeconds = max(0, Int(probe.initialDelaySeconds ?? 0))
        self.periodSeconds = max(1, Int(probe.periodSeconds ?? 10))
        self.timeoutSeconds = max(1, Int(probe.timeoutSeconds ?? 1))
        // Liveness and startup must succeed once; validation rejects anything else, this only guards.
        self.successThreshold = kind == .readiness ? max(1, Int(probe.successThreshold ?? 1)) : 1
        self.failureThreshold = max(1, Int(probe.failureThreshold ?? 3))
    }

    public var period: Duration { .seconds(self.periodSeconds) }
    public var timeout: Duration { .seconds(self.timeoutSeconds) }
}

/// One container instance as the runtime last reported it: what the probes of that container are run against.
public struct ProbedContainer: Hashable, Sendable {
    /// The container's name in the pod spec.
    public var name: String
    /// The runtime's ID of the current instance; empty when none was created yet.
    public var containerID: String
    /// When the instance started running, if it did.
    public var startedAt: Date?
    /// Whether the instance is running now.
    public var running: Bool

    public init(name: String, containerID: String, startedAt: Date?, running: Bool) {
        self.name = name
        self.containerID = containerID
        self.startedAt = startedAt
        self.running = running
    }
}

/// A pod and its running containers: the input of ``ProbeManager/update(pods:)``.
public struct ProbedPod: Sendable {
    public var pod: Pod
    /// The pod IP (the default host of httpGet, tcpSocket and grpc probes).
    public var podIP: String?
    public var containers: [ProbedContainer]

    public init(pod: Pod, podIP: String?, containers: [ProbedContainer]) {
        self.pod = pod
        self.podIP = podIP
        self.containers = containers
    }
}

/// Everything a prober needs for one run.
public struct ProbeTarget: Sendable {
    public var podUID: String
    public var podName: String
    public var namespace: String
    public var podIP: String?
    /// The container spec (its ports resolve named probe ports).
    public var container: Container
    public var containerID: String

    public init(podUID: String, podName: String, namespace: String, podIP: String?, container: Container, containerID: String) {
        self.podUID = podUID
        self.podName = podName
        self.namespace = namespace
        self.podIP = podIP
        self.container = container
        self.containerID = containerID
    }

    /// Resolves a probe port: a number as is, a name through the container's ports.
    public func resolvePort(_ port: IntOrString) throws(ProbeError) -> Int {
        switch port {
        case .int(let number):
            guard (1...65535).contains(number) else {
                throw ProbeError("container \(self.container.name): probe port \(number) is out of range")
            }
            return Int(number)
        case .string(let name):
            if let number = Int(name), (1...65535).contains(number) { return number }
            guard let match = self.container.ports.first(where: { $0.name == name }) else {
                throw ProbeError("container \(self.container.name): no container port named '\(name)'")
            }
            return Int(match.containerPort)
        }
    }
}

/// Why a probe could not run (the result is then `unknown`).
public struct ProbeError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
