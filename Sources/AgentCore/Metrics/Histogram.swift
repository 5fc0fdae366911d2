import Synchronization

/// Observations counted in explicit buckets per label set (Prometheus `histogram`), with their sum and count.
///
/// An observation `v` falls into the first bucket whose upper bound is `>= v` (buckets are inclusive, as in
/// Prometheus), or into the `+Inf` bucket.
public final class Histogram: MetricFamily {
    public let descriptor: MetricDescriptor
    /// The bucket upper bounds, ascending, without `+Inf`.
    public let upperBounds: [Double]
    private let series: Mutex<[[String]: HistogramSnapshot]>

    /// Prometheus' default buckets (`prometheus.DefBuckets`): .005 to 10 seconds.
    public static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// `count` buckets, the first `start` and each next one `factor` times the previous
    /// (`prometheus.ExponentialBuckets`).
    /// - Precondition: `start > 0`, `factor > 1`, `count >= 1`.
    public static func exponentialBuckets(start: Double, factor: Double, count: Int) -> [Double] {
        precondition(start > 0 && factor > 1 && count >= 1, "invalid exponential buckets")
        var buckets: [Double] = []
        var next = start
        for _ in 0..<count {
            buckets.append(next)
            next *= factor
        }
        return buckets
    }

    /// Creates a histogram; register it with ``MetricsRegistry/register(_:)`` or use
    /// ``MetricsRegistry/histogram(_:buckets:)``.
    /// - Parameters:
    ///   - descriptor: the family's name, help and label names.
    ///   - buckets: the upper bounds; sorted, deduplicated, and a trailing `+Inf` dropped.
    public init(_ descriptor: MetricDescriptor, buckets: [Double]) {
        precondition(!descriptor.labelNames.contains("le"), "histogram \(descriptor.name) must not use the label le")
        self.descriptor = descriptor
        let bounds = Array(Set(buckets.filter { $0.isFinite })).sorted()
        self.upperBounds = bounds
        let empty = HistogramSnapshot(
            upperBounds: bounds,
            bucketCounts: Array(repeating: 0, count: bounds.count + 1),
            sum: 0,
            count: 0
        )
        self.series = Mutex(descriptor.labelNames.isEmpty ? [[]: empty] : [:])
    }

    /// Records one observation in the series of `labels`.
    public func observe(_ value: Double, labels: [String] = []) {
        checkLabels(labels, for: self.descriptor)
        let index = self.upperBounds.firstIndex { value <= $0 } ?? self.upperBounds.count
        self.series.withLock { series in
            var current =
                series[labels]
                ?? HistogramSnapshot(
                    upperBounds: self.upperBounds,
                    bucketCounts: Array(repeating: 0, count: self.upperBounds.count + 1),
                    sum: 0,
                    count: 0
                )
            current.bucketCounts[index] += 1
            current.sum += value
            current.count += 1
            series[labels] = current
        }
    }

    /// Records a duration, in seconds.
    public func observe(_ duration: Duration, labels: [String] = []) {
        self.observe(duration.metricSeconds, labels: labels)
    }

    /// The series of `labels`, or `nil` when nothing was observed for a labelled histogram.
    public func value(labels: [String] = []) -> HistogramSnapshot? {
        self.series.withLock { $0[labels] }
    }

    public func snapshot() -> MetricFamilySnapshot {
        let series = self.series.withLock { series in
            series.map { MetricSeriesSnapshot(labelValues: $0.key, value: .histogram($0.value)) }
        }
        return MetricFamilySnapshot(descriptor: self.descriptor, type: .histogram, series: series)
    }
}

extension Duration {
    /// The duration in (fractional) seconds, as metrics record it.
    var metricSeconds: Double {
        let parts = self.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
