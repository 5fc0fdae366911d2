import Synchronization

/// A value that goes up and down per label set (Prometheus `gauge`).
///
/// A gauge without labels always exposes one series (starting at 0); a labelled gauge exposes only the label sets
/// that were set and not removed.
public final class Gauge: MetricFamily {
    public let descriptor: MetricDescriptor
    private let values: Mutex<[[String]: Double]>

    /// Creates a gauge; register it with ``MetricsRegistry/register(_:)`` or use ``MetricsRegistry/gauge(_:)``.
    public init(_ descriptor: MetricDescriptor) {
        self.descriptor = descriptor
        self.values = Mutex(descriptor.labelNames.isEmpty ? [[]: 0] : [:])
    }

    /// Sets the series of `labels` to `value`.
    public func set(_ value: Double, labels: [String] = []) {
        checkLabels(labels, for: self.descriptor)
        self.values.withLock { $0[labels] = value }
    }

    /// Adds `amount` (possibly negative) to the series of `labels`.
    public func increment(by amount: Double = 1, labels: [String] = []) {
        checkLabels(labels, for: self.descriptor)
        self.values.withLock { $0[labels, default: 0] += amount }
    }

    /// Subtracts `amount` from the series of `labels`.
    public func decrement(by amount: Double = 1, labels: [String] = []) {
        self.increment(by: -amount, labels: labels)
    }

    /// Removes the series of `labels`, so it is no longer exposed (a label-less gauge goes back to 0).
    public func remove(labels: [String]) {
        checkLabels(labels, for: self.descriptor)
        self.values.withLock { values in
            if self.descriptor.labelNames.isEmpty { values[[]] = 0 } else { values[labels] = nil }
        }
    }

    /// Removes every labelled series (a label-less gauge goes back to 0).
    public func removeAll() {
        self.values.withLock { values in
            values = self.descriptor.labelNames.isEmpty ? [[]: 0] : [:]
        }
    }

    /// The current value of the series of `labels`, or `nil` when it is not exposed.
    public func value(labels: [String] = []) -> Double? {
        self.values.withLock { $0[labels] }
    }

    public func snapshot() -> MetricFamilySnapshot {
        let series = self.values.withLock { values in
            values.map { MetricSeriesSnapshot(labelValues: $0.key, value: .scalar($0.value)) }
        }
        return MetricFamilySnapshot(descriptor: self.descriptor, type: .gauge, series: series)
    }
}
