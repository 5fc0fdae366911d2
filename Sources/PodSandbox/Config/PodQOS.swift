public import KubeAPI

/// The pod's QoS class, computed exactly as upstream (k/k `pkg/apis/core/v1/helper/qos`, `ComputePodQOS`)
/// from the CPU and memory requests and limits of all containers (init containers included).
///
/// - BestEffort: no container has a positive CPU or memory request or limit.
/// - Guaranteed: every container has positive CPU and memory limits, and the summed requests equal the summed
///   limits for both resources.
/// - Burstable: everything else.
///
/// Requests are first defaulted from limits, as the API server's defaulting does before the kubelet sees a
/// pod (`SetDefaults_Pod`), so a container with limits only counts as requesting its limits.
public enum PodQOS {
    /// A QoS class; `rawValue` is the API string written to `status.qosClass`.
    public enum Class: String, Hashable, Sendable, CaseIterable {
        case guaranteed = "Guaranteed"
        case burstable = "Burstable"
        case bestEffort = "BestEffort"
    }

    /// The resources of one container in milli-units (milli-CPU, milli-bytes) by resource name.
    public struct ContainerResources: Hashable, Sendable {
        /// Requested amounts in milli-units by resource name.
        public var requests: [String: Int64]
        /// Limits in milli-units by resource name.
        public var limits: [String: Int64]

        /// - Parameters:
        ///   - requests: requested amounts in milli-units by resource name (`cpu`, `memory`, ...).
        ///   - limits: limits in milli-units by resource name.
        public init(requests: [String: Int64] = [:], limits: [String: Int64] = [:]) {
            self.requests = requests
            self.limits = limits
        }
    }

    /// The resources that count for QoS.
    static let qosResources: Set<String> = ["cpu", "memory"]

    /// Computes the class from the containers' resources.
    ///
    /// - Parameter containers: every container of the pod, init containers included.
    /// - Returns: the QoS class.
    public static func compute(containers: [ContainerResources]) -> Class {
        var requests: [String: Int64] = [:]
        var limits: [String: Int64] = [:]
        var isGuaranteed = true
        for container in containers {
            var effectiveRequests = container.requests
            for (name, limit) in container.limits where effectiveRequests[name] == nil {
                effectiveRequests[name] = limit
            }
            for (name, amount) in effectiveRequests where Self.qosResources.contains(name) && amount > 0 {
                requests[name, default: 0] += amount
            }
            var limitsFound: Set<String> = []
            for (name, amount) in container.limits where Self.qosResources.contains(name) && amount > 0 {
                limitsFound.insert(name)
                limits[name, default: 0] += amount
            }
            if !limitsFound.isSuperset(of: Self.qosResources) { isGuaranteed = false }
        }
        if requests.isEmpty && limits.isEmpty { return .bestEffort }
        if isGuaranteed {
            for (name, request) in requests where limits[name] != request {
                isGuaranteed = false
                break
            }
        }
        return isGuaranteed && requests.count == limits.count ? .guaranteed : .burstable
    }
}

extension PodQOS {
    /// The QoS class of a pod: `status.qosClass` when already set, computed otherwise.
    ///
    /// - Parameter pod: the pod.
    /// - Returns: the QoS class.
    public static func compute(_ pod: Pod) -> Class {
        if let reported = pod.status?.qosClass, let known = Class(rawValue: reported.rawValue) {
            return known
        }
        let containers = (pod.spec.containers + pod.spec.initContainers).map { container in
            let resources = container.resources
            return ContainerResources(
                requests: (resources?.requests ?? [:]).mapValues(\.milliValue),
                limits: (resources?.limits ?? [:]).mapValues(\.milliValue)
            )
        }
        return Self.compute(containers: containers)
    }
}
