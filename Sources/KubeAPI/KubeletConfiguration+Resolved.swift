public import Foundation

extension KubeletConfiguration {
    /// The API group/version of the file.
    public static let apiVersionValue = "kubelet.config.k8s.io/v1beta1"
    /// The kind of the file.
    public static let kindValue = "KubeletConfiguration"

    /// The configuration with upstream's defaults (`pkg/kubelet/apis/config/v1beta1/defaults.go`) filled in; each
    /// field means what the file's field of the same name means.
    public struct Resolved: Hashable, Sendable {
        public var staticPodPath: String?
        public var staticPodURL: String?
        public var fileCheckFrequency: Duration = .seconds(20)
        public var httpCheckFrequency: Duration = .seconds(20)
        public var syncFrequency: Duration = .seconds(60)
        public var clusterDNS: [String] = []
        public var clusterDomain: String = ""
        public var healthzPort: Int = 10248
        public var healthzBindAddress: String = "127.0.0.1"
        public var containerRuntimeEndpoint: String = "unix:///run/containerd/containerd.sock"
        public var runtimeRequestTimeout: Duration = .seconds(120)
        public var resolvConf: String = "/etc/resolv.conf"
        public var maxPods: Int = 110
        public var podLogsDir: String = "/var/log/pods"
        /// `crashLoopBackOff.maxContainerRestartPeriod`; upstream's cap of 300s when unset.
        public var maxContainerRestartPeriod: Duration = .seconds(300)
        public var nodeStatusUpdateFrequency: Duration = .seconds(10)
        public var serializeImagePulls: Bool = true
        public var failSwapOn: Bool = true
        public var cgroupDriver: String = "cgroupfs"
        public var address: String = "0.0.0.0"
        public var port: Int = 10250
        public var readOnlyPort: Int = 0
        public var kubeAPIQPS: Int = 50
        public var kubeAPIBurst: Int = 100

        /// Upstream's defaults.
        public init() {}
    }

    /// The configuration with every unset field at upstream's default.
    public var resolved: Resolved {
        var resolved = Resolved()
        resolved.staticPodPath = self.staticPodPath.flatMap { $0.isEmpty ? nil : $0 }
        resolved.staticPodURL = self.staticPodURL.flatMap { $0.isEmpty ? nil : $0 }
        if let value = self.fileCheckFrequency { resolved.fileCheckFrequency = value.duration }
        if let value = self.httpCheckFrequency { resolved.httpCheckFrequency = value.duration }
        if let value = self.syncFrequency { resolved.syncFrequency = value.duration }
        if let value = self.clusterDNS { resolved.clusterDNS = value }
        if let value = self.clusterDomain { resolved.clusterDomain = value }
        if let value = self.healthzPort { resolved.healthzPort = Int(value) }
        if let value = self.healthzBindAddress, !value.isEmpty { resolved.healthzBindAddress = value }
        if let value = self.containerRuntimeEndpoint, !value.isEmpty { resolved.containerRuntimeEndpoint = value }
        if let value = self.runtimeRequestTimeout { resolved.runtimeRequestTimeout = value.duration }
        if let value = self.resolvConf { resolved.resolvConf = value }
        if let value = self.maxPods { resolved.maxPods = Int(value) }
        if let value = self.podLogsDir, !value.isEmpty { resolved.podLogsDir = value }
        if let value = self.crashLoopBackOff?.maxContainerRestartPeriod {
            resolved.maxContainerRestartPeriod = value.duration
        }
        if let value = self.nodeStatusUpdateFrequency { resolved.nodeStatusUpdateFrequency = value.duration }
        if let value = self.serializeImagePulls { resolved.serializeImagePulls = value }
        if let value = self.failSwapOn { resolved.failSwapOn = value }
        if let value = self.cgroupDriver, !value.isEmpty { resolved.cgroupDriver = value }
        if let value = self.address, !value.isEmpty { resolved.address = value }
        if let value = self.port { resolved.port = Int(value) }
        if let value = self.readOnlyPort { resolved.readOnlyPort = Int(value) }
        if let value = self.kubeAPIQPS { resolved.kubeAPIQPS = Int(value) }
        if let value = self.kubeAPIBurst { resolved.kubeAPIBurst = Int(value) }
        return resolved
    }

    /// Reads and checks a configuration file.
    /// - Parameter path: the file (`--config`).
    /// - Returns: the configuration as written (see ``resolved`` for defaults).
    /// - Throws: ``ManifestDecodingError`` naming the file and, for a wrong `apiVersion`/`kind`, a field of the wrong
    ///   type or an out-of-range value, the field (and line).
    public static func load(contentsOf path: String) throws(ManifestDecodingError) -> KubeletConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ManifestDecodingError(source: path, message: "cannot read the file: \(error.localizedDescription)")
        }
        return try Self.decode(data, source: path)
    }

    /// Decodes and checks a configuration from YAML or JSON bytes.
    /// - Throws: ``ManifestDecodingError`` naming `source`, the field and the line.
    public static func decode(_ data: Data, source: String) throws(ManifestDecodingError) -> KubeletConfiguration {
        let document = try ManifestDecoding.singleDocument(data, source: source)
        try ManifestDecoding.checkType(document, source: source, accepted: [(Self.apiVersionValue, Self.kindValue)])
        let config = try document.decode(KubeletConfiguration.self, source: source)
        let errors = config.validate()
        if !errors.isEmpty {
            throw ManifestDecoding.validationError(
                errors, document: document, source: source, what: "invalid configuration"
            )
        }
        return config
    }

    /// Checks the values (ranges as upstream's `ValidateKubeletConfiguration`). Pure.
    /// - Returns: the problems; empty when valid.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        let ports: [(String, Int32?, ClosedRange<Int32>)] = [
            ("healthzPort", self.healthzPort, 0...65535), ("port", self.port, 1...65535),
            ("readOnlyPort", self.readOnlyPort, 0...65535),
        ]
        for (name, value, range) in ports {
            if let value, !range.contains(value) {
                let detail = "must be between \(range.lowerBound) and \(range.upperBound), inclusive"
                errors.append(.invalid(FieldPath(stringLiteral: name), value, detail))
            }
        }
        if let maxPods = self.maxPods, maxPods < 0 {
            errors.append(.invalid("maxPods", maxPods, "must be greater than or equal to 0"))
        }
        let positive: [(String, GoDurationValue?)] = [
            ("fileCheckFrequency", self.fileCheckFrequency), ("httpCheckFrequency", self.httpCheckFrequency),
            ("syncFrequency", self.syncFrequency), ("runtimeRequestTimeout", self.runtimeRequestTimeout),
            ("nodeStatusUpdateFrequency", self.nodeStatusUpdateFrequency),
        ]
        for (name, value) in positive {
            if let value, value.duration <= .zero {
                errors.append(.invalid(FieldPath(stringLiteral: name), value.string, "must be greater than 0"))
            }
        }
        if let period = self.crashLoopBackOff?.maxContainerRestartPeriod,
            period.duration < .seconds(1) || period.duration > .seconds(300)
        {
            errors.append(
                .invalid("crashLoopBackOff.maxContainerRestartPeriod", period.string, "must be between 1s and 300s")
            )
        }
        if let driver = self.cgroupDriver, !driver.isEmpty, driver != "cgroupfs", driver != "systemd" {
            errors.append(.notSupported("cgroupDriver", driver, supported: ["cgroupfs", "systemd"]))
        }
        return errors
    }
}
