// CPU and OOM arithmetic of the kubelet (k/k pkg/kubelet/cm/helpers_linux.go, kuberuntime/helpers_linux.go,
// pkg/kubelet/qos/policy.go), kept as plain functions over integers so they are table-tested.

/// CFS shares and quota from milli-CPUs, as upstream computes them.
public enum CPUMath {
    /// The kernel's minimum (and the shares of a container without CPU request).
    public static let minShares: Int64 = 2
    /// The kernel's maximum.
    public static let maxShares: Int64 = 262_144
    /// Shares of one CPU.
    public static let sharesPerCPU: Int64 = 1024
    /// Milli-CPUs per CPU.
    public static let milliCPUToCPU: Int64 = 1000
    /// The CFS period the kubelet uses: 100000 µs = 100 ms.
    public static let quotaPeriod: Int64 = 100_000
    /// The smallest quota set: 1 ms.
    public static let minQuota: Int64 = 1000

    /// `cpu.shares` for a CPU request: `milliCPU * 1024 / 1000`, between 2 and 262144.
    ///
    /// - Parameter milliCPU: the request in milli-CPUs (0 when none).
    /// - Returns: the shares.
    public static func shares(milliCPU: Int64) -> Int64 {
        if milliCPU == 0 { return Self.minShares }
        let shares = (milliCPU * Self.sharesPerCPU) / Self.milliCPUToCPU
        return min(max(shares, Self.minShares), Self.maxShares)
    }

    /// The CFS quota for a CPU limit over `period`: 0 (unlimited) without a limit, at least 1000.
    ///
    /// - Parameters:
    ///   - milliCPU: the limit in milli-CPUs (0 when none).
    ///   - period: the CFS period in µs.
    /// - Returns: the quota in µs.
    public static func quota(milliCPU: Int64, period: Int64 = CPUMath.quotaPeriod) -> Int64 {
        if milliCPU == 0 { return 0 }
        return max((milliCPU * period) / Self.milliCPUToCPU, Self.minQuota)
    }
}

/// The `oom_score_adj` of a container by its pod's QoS class (k/k `pkg/kubelet/qos/policy.go`).
public enum OOMScore {
    /// Guaranteed (and node-critical) pods.
    public static let guaranteed: Int64 = -997
    /// BestEffort pods.
    public static let bestEffort: Int64 = 1000

    /// The score adjustment of one container.
    ///
    /// Burstable: `1000 - 1000 * memoryRequest / memoryCapacity` (for a sidecar at most the score of the
    /// regular container with the smallest request), kept above Guaranteed (at least 3) and below BestEffort
    /// (999 at most).
    ///
    /// - Parameters:
    ///   - qos: the pod's QoS class.
    ///   - memoryRequest: the container's memory request in bytes.
    ///   - memoryCapacity: the node's memory capacity in bytes.
    ///   - nodeCritical: whether the pod has priority class `system-node-critical`.
    ///   - sidecarFloorRequest: for a sidecar (an init container with `restartPolicy: Always`), the smallest
    ///     memory request of the pod's regular containers: the sidecar never scores above them.
    /// - Returns: the value for `oom_score_adj`.
    public static func containerAdjust(
        qos: PodQOS.Class,
        memoryRequest: Int64,
        memoryCapacity: Int64,
        nodeCritical: Bool = false,
        sidecarFloorRequest: Int64? = nil
    ) -> Int64 {
        if nodeCritical { return Self.guaranteed }
        switch qos {
        case .guaranteed: return Self.guaranteed
        case .bestEffort: return Self.bestEffort
        case .burstable: break
        }
        guard memoryCapacity > 0 else { return Self.bestEffort - 1 }
        func score(_ request: Int64) -> Int64 {
            let (product, overflow) = request.multipliedReportingOverflow(by: 1000)
            return 1000 - (overflow ? Int64(Double(request) * 1000 / Double(memoryCapacity)) : product / memoryCapacity)
        }
        var adjust = score(memoryRequest)
        if let floor = sidecarFloorRequest { adjust = min(adjust, score(floor)) }
        if adjust < 1000 + Self.guaranteed { return 1000 + Self.guaranteed }
        if adjust == Self.bestEffort { return adjust - 1 }
        return adjust
    }
}
