/// What a metric family is: its name, help text, label names and upstream stability level.
public struct MetricDescriptor: Sendable, Hashable {
    /// The full metric name, e.g. `kubelet_running_pods`.
    public var name: String
    /// The help text, without the stability prefix.
    public var help: String
    /// The label names, in the order label values are passed to the metric.
    public var labelNames: [String]
    /// Upstream's stability level; rendered as a `[ALPHA] ` style prefix of the help text, as component-base does.
    public var stability: MetricStability?

    /// Creates a descriptor.
    /// - Parameters:
    ///   - name: the metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
    ///   - help: the help text.
    ///   - labelNames: the label names (`[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`, never `le`).
    ///   - stability: the stability level, or `nil` for no prefix.
    public init(name: String, help: String, labelNames: [String] = [], stability: MetricStability? = nil) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.stability = stability
    }

    /// The help text as exposed: the stability prefix, then the help.
    public var exposedHelp: String {
        guard let stability = self.stability else { return self.help }
        return "[\(stability.rawValue)] \(self.help)"
    }
}

/// The stability levels of Kubernetes component-base metrics.
public enum MetricStability: String, Sendable, Hashable {
    case alpha = "ALPHA"
    case beta = "BETA"
    case stable = "STABLE"
    case `internal` = "INTERNAL"
}

/// The kind of a metric family, as written on its `# TYPE` line.
public enum MetricType: String, Sendable, Hashable {
    case counter
    case gauge
    case histogram
}

/// A point-in-time copy of one metric family, ready to render.
public struct MetricFamilySnapshot: Sendable, Equatable {
    public var descriptor: MetricDescriptor
    public var type: MetricType
    /// The series, in any order; rendering sorts them.
    public var series: [MetricSeriesSnapshot]

    public init(descriptor: MetricDescriptor, type: MetricType, series: [MetricSeriesSnapshot]) {
        self.descriptor = descriptor
        self.type = type
        self.series = series
    }
}

/// One labelled series of a family.
public struct MetricSeriesSnapshot: Sendable, Equatable {
    /// Label values, positionally matching ``MetricDescriptor/labelNames``.
    public var labelValues: [String]
    public var value: Value

    public init(labelValues: [String], value: Value) {
        self.labelValues = labelValues
        self.value = value
    }

    /// A counter or gauge value, or a histogram's buckets.
    public enum Value: Sendable, Equatable {
        case scalar(Double)
        case histogram(HistogramSnapshot)
    }
}

/// A histogram series: per-bucket (non-cumulative) counts, their sum and count.
public struct HistogramSnapshot: Sendable, Equatable {
    /// The upper bounds, ascending, without `+Inf`.
    public var upperBounds: [Double]
    /// Observations per bucket; one more element than `upperBounds` (the last is the `+Inf` overflow bucket).
    public var bucketCounts: [UInt64]
    public var sum: Double
    public var count: UInt64

    public init(upperBounds: [Double], bucketCounts: [UInt64], sum: Double, count: UInt64) {
        self.upperBounds = upperBounds
        self.bucketCounts = bucketCounts
        self.sum = sum
        self.count = count
    }

    /// Cumulative counts per upper bound, ending with the `+Inf` bucket (equal to ``count``).
    public var cumulativeCounts: [UInt64] {
        var running: UInt64 = 0
        return self.bucketCounts.map { count in
            running += count
            return running
        }
    }
}

/// A metric family a ``MetricsRegistry`` can render.
public protocol MetricFamily: AnyObject, Sendable {
    var descriptor: MetricDescriptor { get }
    /// A copy of the family's current series.
    func snapshot() -> MetricFamilySnapshot
}
