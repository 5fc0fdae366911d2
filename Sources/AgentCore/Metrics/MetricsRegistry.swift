import Synchronization

/// A set of metric families rendered together, e.g. for `/metrics`.
///
/// Thread-safe: families are registered and rendered under a lock, and each family guards its own values.
///
/// ```swift
/// let registry = MetricsRegistry()
/// let pods = registry.gauge(MetricDescriptor(name: "kubelet_running_pods", help: "...", stability: .alpha))
/// pods.set(3)
/// print(registry.render())
/// ```
public final class MetricsRegistry: Sendable {
    private let families: Mutex<[String: any MetricFamily]>

    public init() {
        self.families = Mutex([:])
    }

    /// Adds a family.
    /// - Throws: ``MetricsRegistryError/duplicateName(_:)`` when a family of that name is already registered,
    ///   ``MetricsRegistryError/invalidName(_:)`` when the metric or a label name is not a valid Prometheus name.
    public func register(_ family: any MetricFamily) throws(MetricsRegistryError) {
        let descriptor = family.descriptor
        guard PrometheusText.isValidMetricName(descriptor.name) else {
            throw .invalidName(descriptor.name)
        }
        for label in descriptor.labelNames where !PrometheusText.isValidLabelName(label) {
            throw .invalidName("\(descriptor.name){\(label)}")
        }
        try self.families.withLock { (families: inout [String: any MetricFamily]) throws(MetricsRegistryError) in
            guard families[descriptor.name] == nil else { throw .duplicateName(descriptor.name) }
            families[descriptor.name] = family
        }
    }

    /// Creates and registers a counter. Traps on an invalid or duplicate name (a programming error).
    public func counter(_ descriptor: MetricDescriptor) -> Counter {
        self.mustRegister(Counter(descriptor))
    }

    /// Creates and registers a gauge. Traps on an invalid or duplicate name (a programming error).
    public func gauge(_ descriptor: MetricDescriptor) -> Gauge {
        self.mustRegister(Gauge(descriptor))
    }

    /// Creates and registers a histogram with the given bucket upper bounds. Traps on an invalid or duplicate name.
    public func histogram(_ descriptor: MetricDescriptor, buckets: [Double]) -> Histogram {
        self.mustRegister(Histogram(descriptor, buckets: buckets))
    }

    /// Copies of every family, sorted by name.
    public func snapshot() -> [MetricFamilySnapshot] {
        let families = self.families.withLock { Array($0.values) }
        return families.map { $0.snapshot() }.sorted { $0.descriptor.name < $1.descriptor.name }
    }

    /// Every family in the Prometheus text exposition format 0.0.4.
    public func render() -> String {
        PrometheusText.render(self.snapshot())
    }

    private func mustRegister<Family: MetricFamily>(_ family: Family) -> Family {
        do {
            try self.register(family)
        } catch {
            preconditionFailure("cannot register metric: \(error)")
        }
        return family
    }
}

/// Why a family could not be registered.
public enum MetricsRegistryError: Error, Equatable, CustomStringConvertible {
    case duplicateName(String)
    case invalidName(String)

    public var description: String {
        switch self {
        case .duplicateName(let name): "a metric named \(name) is already registered"
        case .invalidName(let name): "invalid metric or label name: \(name)"
        }
    }
}
