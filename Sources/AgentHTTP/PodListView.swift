/// A minimal, decode-only mirror of a v1 `PodList` as `/pods` serves it: only the fields the `pods` table shows.
/// Unknown fields are ignored and every field is optional, so any valid PodList decodes.
public struct PodListView: Decodable, Sendable, Equatable {
    public var items: [Pod]

    public init(items: [Pod]) {
        self.items = items
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.items = try container.decodeIfPresent([Pod].self, forKey: .items) ?? []
    }

    private enum CodingKeys: String, CodingKey {
        case items
    }

    public struct Pod: Decodable, Sendable, Equatable {
        public var metadata: Metadata
        public var spec: Spec
        public var status: Status

        public init(metadata: Metadata, spec: Spec = Spec(), status: Status = Status()) {
            self.metadata = metadata
            self.spec = spec
            self.status = status
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.metadata = try container.decodeIfPresent(Metadata.self, forKey: .metadata) ?? Metadata()
            self.spec = try container.decodeIfPresent(Spec.self, forKey: .spec) ?? Spec()
            self.status = try container.decodeIfPresent(Status.self, forKey: .status) ?? Status()
        }

        private enum CodingKeys: String, CodingKey {
            case metadata, spec, status
        }
    }

    public struct Metadata: Decodable, Sendable, Equatable {
        public var name: String?
        public var namespace: String?
        public var uid: String?
        /// RFC 3339, e.g. `2024-05-01T10:00:00Z`.
        public var creationTimestamp: String?
        public var deletionTimestamp: String?

        public init(
            name: String? = nil,
            namespace: String? = nil,
            uid: String? = nil,
            creationTimestamp: String? = nil,
            deletionTimestamp: String? = nil
        ) {
            self.name = name
            self.namespace = namespace
            self.uid = uid
            self.creationTimestamp = creationTimestamp
            self.deletionTimestamp = deletionTimestamp
        }
    }

    public struct Spec: Decodable, Sendable, Equatable {
        public var nodeName: String?
        public var initContainers: [Container]?
        public var containers: [Container]?

        public init(nodeName: String? = nil, initContainers: [Container]? = nil, containers: [Container]? = nil) {
            self.nodeName = nodeName
            self.initContainers = initContainers
            self.containers = containers
        }
    }

    public struct Container: Decodable, Sendable, Equatable {
        public var name: String
        /// `Always` marks a restartable init container (a sidecar).
        public var restartPolicy: String?

        public init(name: String, restartPolicy: String? = nil) {
            self.name = name
            self.restartPolicy = restartPolicy
        }
    }

    public struct Status: Decodable, Sendable, Equatable {
        public var phase: String?
        public var reason: String?
        public var podIP: String?
        public var podIPs: [PodIP]?
        public var conditions: [Condition]?
        public var initContainerStatuses: [ContainerStatus]?
        public var containerStatuses: [ContainerStatus]?

        public init(
            phase: String? = nil,
            reason: String? = nil,
            podIP: String? = nil,
            podIPs: [PodIP]? = nil,
            conditions: [Condition]? = nil,
            initContainerStatuses: [ContainerStatus]? = nil,
            containerStatuses: [ContainerStatus]? = nil
        ) {
            self.phase = phase
            self.reason = reason
            self.podIP = podIP
            self.podIPs = podIPs
            self.conditions = conditions
            self.initContainerStatuses = initContainerStatuses
            self.containerStatuses = containerStatuses
        }
    }

    public struct PodIP: Decodable, Sendable, Equatable {
        public var ip: String?

        public init(ip: String?) {
            self.ip = ip
        }
    }

    public struct Condition: Decodable, Sendable, Equatable {
        public var type: String
        public var status: String
        public var reason: String?

        public init(type: String, status: String, reason: String? = nil) {
            self.type = type
            self.status = status
            self.reason = reason
        }
    }

    public struct ContainerStatus: Decodable, Sendable, Equatable {
        public var name: String
        public var ready: Bool?
        public var started: Bool?
        public var restartCount: Int?
        public var containerID: String?
        public var state: ContainerState?
        public var lastState: ContainerState?

        public init(
            name: String,
            ready: Bool? = nil,
            started: Bool? = nil,
            restartCount: Int? = nil,
            containerID: String? = nil,
            state: ContainerState? = nil,
            lastState: ContainerState? = nil
        ) {
            self.name = name
            self.ready = ready
            self.started = started
            self.restartCount = restartCount
            self.containerID = containerID
            self.state = state
            self.lastState = lastState
        }
    }

    public struct ContainerState: Decodable, Sendable, Equatable {
        public var waiting: Waiting?
        public var running: Running?
        public var terminated: Terminated?

        public init(waiting: Waiting? = nil, running: Running? = nil, terminated: Terminated? = nil) {
            self.waiting = waiting
            self.running = running
            self.terminated = terminated
        }

        public static func waiting(_ reason: String?, message: String? = nil) -> Self {
            Self(waiting: Waiting(reason: reason, message: message))
        }

        public static func running(since startedAt: String?) -> Self {
            Self(running: Running(startedAt: startedAt))
        }

        public static func terminated(
            exitCode: Int,
            reason: String? = nil,
            signal: Int? = nil,
            startedAt: String? = nil,
            finishedAt: String? = nil
        ) -> Self {
            Self(
                terminated: Terminated(
                    exitCode: exitCode,
                    signal: signal,
                    reason: reason,
                    startedAt: startedAt,
                    finishedAt: finishedAt
                )
            )
        }
    }

    public struct Waiting: Decodable, Sendable, Equatable {
        public var reason: String?
        public var message: String?

        public init(reason: String? = nil, message: String? = nil) {
            self.reason = reason
            self.message = message
        }
    }

    public struct Running: Decodable, Sendable, Equatable {
        public var startedAt: String?

        public init(startedAt: String? = nil) {
            self.startedAt = startedAt
        }
    }

    public struct Terminated: Decodable, Sendable, Equatable {
        public var exitCode: Int
        public var signal: Int?
        public var reason: String?
        public var startedAt: String?
        public var finishedAt: String?

        public init(
            exitCode: Int,
            signal: Int? = nil,
            reason: String? = nil,
            startedAt: String? = nil,
            finishedAt: String? = nil
        ) {
            self.exitCode = exitCode
            self.signal = signal
            self.reason = reason
            self.startedAt = startedAt
            self.finishedAt = finishedAt
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.exitCode = try container.decodeIfPresent(Int.self, forKey: .exitCode) ?? 0
            self.signal = try container.decodeIfPresent(Int.self, forKey: .signal)
            self.reason = try container.decodeIfPresent(String.self, forKey: .reason)
            self.startedAt = try container.decodeIfPresent(String.self, forKey: .startedAt)
            self.finishedAt = try container.decodeIfPresent(String.self, forKey: .finishedAt)
        }

        private enum CodingKeys: String, CodingKey {
            case exitCode, signal, reason, startedAt, finishedAt
        }
    }
}
