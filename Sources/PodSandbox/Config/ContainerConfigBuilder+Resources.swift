public import CRIClient
public import KubeAPI

extension ContainerConfigBuilder {
    /// The container's cgroup settings (upstream's `generateLinuxContainerResources` with the default CFS
    /// quota period): CPU shares from the request (the limit when only a limit is set), CFS quota from the
    /// limit over a 100 ms period, the memory limit, and the OOM score adjustment of the pod's QoS class.
    ///
    /// - Parameters:
    ///   - pod: the pod (for its QoS class).
    ///   - container: the container.
    /// - Returns: the Linux resources.
    public func linuxResources(pod: Pod, container: Container) -> LinuxContainerResources {
        let requests = container.resources?.requests ?? [:]
        let limits = container.resources?.limits ?? [:]
        let cpuRequest = requests["cpu"]?.milliValue ?? limits["cpu"]?.milliValue ?? 0
        let cpuLimit = limits["cpu"]?.milliValue ?? 0
        let memoryLimit = limits["memory"]?.value ?? 0
        let memoryRequest = requests["memory"]?.value ?? limits["memory"]?.value ?? 0
        let oomScoreAdj = OOMScore.containerAdjust(
            qos: PodQOS.compute(pod),
            memoryRequest: memoryRequest,
            memoryCapacity: self.context.memoryCapacity,
            nodeCritical: pod.spec.priorityClassName == "system-node-critical",
            sidecarFloorRequest: Self.isSidecar(container, of: pod) ? Self.smallestRegularMemoryRequest(pod) : nil
        )
        return LinuxContainerResources(
            cpuPeriod: CPUMath.quotaPeriod,
            cpuQuota: CPUMath.quota(milliCPU: cpuLimit),
            cpuShares: CPUMath.shares(milliCPU: cpuRequest),
            memoryLimitInBytes: max(memoryLimit, 0),
            oomScoreAdj: oomScoreAdj
        )
    }

    /// An init container with `restartPolicy: Always`.
    static func isSidecar(_ container: Container, of pod: Pod) -> Bool {
        container.restartPolicy?.rawValue == "Always" && pod.spec.initContainers.contains { $0.name == container.name }
    }

    /// The smallest memory request (defaulted from the limit) among the regular containers.
    static func smallestRegularMemoryRequest(_ pod: Pod) -> Int64? {
        pod.spec.containers.map { ContainerResources($0.resources).requests["memory"]?.value ?? 0 }.min()
    }
}
