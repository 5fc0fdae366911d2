/// The name of a CRI operation as the kubelet's instrumented runtime service labels it
/// (`operation_type` of `kubelet_runtime_operations_*`).
public struct RuntimeOperation: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { self.rawValue }

    // RuntimeService
    public static let version = Self(rawValue: "version")
    public static let status = Self(rawValue: "status")
    public static let runPodSandbox = Self(rawValue: "run_podsandbox")
    public static let stopPodSandbox = Self(rawValue: "stop_podsandbox")
    public static let removePodSandbox = Self(rawValue: "remove_podsandbox")
    public static let podSandboxStatus = Self(rawValue: "podsandbox_status")
    public static let listPodSandbox = Self(rawValue: "list_podsandbox")
    public static let createContainer = Self(rawValue: "create_container")
    public static let startContainer = Self(rawValue: "start_container")
    public static let stopContainer = Self(rawValue: "stop_container")
    public static let removeContainer = Self(rawValue: "remove_container")
    public static let listContainers = Self(rawValue: "list_containers")
    public static let containerStatus = Self(rawValue: "container_status")
    public static let updateContainer = Self(rawValue: "update_container")
    public static let reopenContainerLog = Self(rawValue: "reopen_container_log")
    public static let execSync = Self(rawValue: "exec_sync")
    public static let containerStats = Self(rawValue: "container_stats")
    public static let listContainerStats = Self(rawValue: "list_container_stats")
    // ImageService
    public static let listImages = Self(rawValue: "list_images")
    public static let imageStatus = Self(rawValue: "image_status")
    public static let pullImage = Self(rawValue: "pull_image")
    public static let removeImage = Self(rawValue: "remove_image")
    public static let imageFsInfo = Self(rawValue: "image_fs_info")
}

/// Records the outcome of runtime (CRI) calls; the instrumented runtime wrapper reports every call here.
/// ``KubeletMetrics`` implements it with upstream's `kubelet_runtime_operations_*` and `kubelet_run_podsandbox_*`.
public protocol RuntimeOperationRecorder: Sendable {
    /// Records one call: counts it, observes its duration, and counts an error when `error` is not `nil`.
    func record(operation: RuntimeOperation, duration: Duration, error: (any Error)?)
    /// Records a `RunPodSandbox` call per RuntimeClass handler (in addition to ``record(operation:duration:error:)``).
    func recordRunPodSandbox(runtimeHandler: String, duration: Duration, error: (any Error)?)
    /// Records a successful image pull with the image's size (`kubelet_image_pull_duration_seconds`).
    func recordImagePull(duration: Duration, sizeBytes: UInt64)
}

extension RuntimeOperationRecorder {
    public func recordImagePull(duration: Duration, sizeBytes: UInt64) {}
}
