import Synchronization

/// A monotonically increasing value per label set (Prometheus `counter`).
///
/// A counter without labels always exposes one series (starting at 0); a labelled counter exposes only the label
/// sets that were used, as the Prometheus Go client does.
public final class Counter: MetricFamily {
    public let descriptor: MetricDescriptor
    private let values: Mutex<[[String]: Double]>

    /// Creates a counter; register it with ``MetricsRegistry/register(_:)`` or use ``MetricsRegistry/counter(_:)``.
    public init(_ descriptor: MetricDescriptor) {
        self.descriptor = descriptor
        self.values = Mutex(descriptor.labelNames.isEmpty ? [[]: 0] : [:])
    }

    /// Adds `amount` (which must not be negative) to the series of `labels`.
    /// - Parameters:
    ///   - amount: the increment; negative amounts are ignored, since a counter never goes down.
    ///   - labels: the label values, one per ``MetricDescriptor/labelNames`` entry.
    public func increment(by amount: Double = 1, labels: [String] = []) {
        checkLabels(labels, for: self.descriptor)
        guard amount >= 0 else { return }
        self.values.withLock { $0[labels, default: 0] += amount }
    }

    /// The current value of the series of `labels` (0 if never incremented).
    public func value(labels: [String] = []) -> Double {
        self.values.withLock { $0[labels] ?? 0 }
    }

    public func snapshot() -> MetricFamilySnapshot {
        let series = self.values.withLock { values in
            values.map { MetricSeriesSnapshot(labelValues: $0.key, value: .scalar($0.value)) }
        }
        return MetricFamilySnapshot(descriptor: self.descriptor, type: .counter, series: series)
    }
}

/// Traps when a metric is used with the wrong number of label values: a programming error.
func checkLabels(_ labels: [String], for descriptor: MetricDescriptor) {
    precondition(
        labels.count == descriptor.labelNames.count,
        "metric \(descriptor.name) takes labels \(descriptor.labelNames), got \(labels.count) values \(labels)"
    )
}
