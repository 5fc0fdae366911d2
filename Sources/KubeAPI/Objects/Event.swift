public import Foundation

/// An Event (`v1 Event`, the core group's events that `kubectl describe` shows): what happened to
/// `involvedObject`, reported by `source`, aggregated by `count` between `firstTimestamp` and `lastTimestamp`.
public struct Event: KubeResource, Hashable {
    /// `v1`.
    public var apiVersion: String?
    /// `Event`.
    public var kind: String?
    /// Object metadata; the kubelet names events `<object name>.<unique suffix>` in the object's namespace.
    public var metadata: ObjectMeta
    /// The object this event is about.
    public var involvedObject: ObjectReference
    /// Short CamelCase reason, e.g. `Pulled`, `BackOff`.
    public var reason: String?
    /// Human-readable description.
    public var message: String?
    /// The component and host that reported it.
    public var source: EventSource?
    /// When the event was first recorded.
    public var firstTimestamp: Date?
    /// When the most recent occurrence was recorded.
    public var lastTimestamp: Date?
    /// How many times it occurred.
    public var count: Int32?
    /// Normal or Warning.
    public var type: EventType?
    /// When the event was first observed (new-style events; microseconds).
    public var eventTime: MicroTime?
    /// Series data of a recurring new-style event.
    public var series: EventSeries?
    /// What action was taken or failed.
    public var action: String?
    /// A second object involved.
    public var related: ObjectReference?
    /// The controller that emitted it, e.g. `kubelet`.
    public var reportingComponent: String?
    /// The instance of the controller, e.g. the node name.
    public var reportingInstance: String?

    /// `events` in core/v1, namespaced.
    public static let resource = APIResource(kind: "Event", plural: "events", namespaced: true)

    /// Creates an `Event`; every parameter defaults to unset.
    public init(
        apiVersion: String? = nil,
        kind: String? = nil,
        metadata: ObjectMeta = ObjectMeta(),
        involvedObject: ObjectReference = ObjectReference(),
        reason: String? = nil,
        message: String? = nil,
        source: EventSource? = nil,
        firstTimestamp: Date? = nil,
        lastTimestamp: Date? = nil,
        count: Int32? = nil,
        type: EventType? = nil,
        eventTime: MicroTime? = nil,
        series: EventSeries? = nil,
        action: String? = nil,
        related: ObjectReference? = nil,
        reportingComponent: String? = nil,
        reportingInstance: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.reason = reason
        self.message = message
        self.source = source
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.count = count
        self.type = type
        self.eventTime = eventTime
        self.series = series
        self.action = action
        self.related = related
        self.reportingComponent = reportingComponent
        self.reportingInstance = reportingInstance
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, involvedObject, reason, message, source, firstTimestamp, lastTimestamp
        case count, type, eventTime, series, action, related, reportingComponent, reportingInstance
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.apiVersion = try container.value(.apiVersion)
        self.kind = try container.value(.kind)
        self.metadata = try container.value(.metadata, default: ObjectMeta())
        self.involvedObject = try container.value(.involvedObject, default: ObjectReference())
        self.reason = try container.value(.reason)
        self.message = try container.value(.message)
        self.source = try container.value(.source)
        self.firstTimestamp = try container.value(.firstTimestamp)
        self.lastTimestamp = try container.value(.lastTimestamp)
        self.count = try container.value(.count)
        self.type = try container.value(.type)
        self.eventTime = try container.value(.eventTime)
        self.series = try container.value(.series)
        self.action = try container.value(.action)
        self.related = try container.value(.related)
        self.reportingComponent = try container.value(.reportingComponent)
        self.reportingInstance = try container.value(.reportingInstance)
    }
}

/// Type of an event (`v1 Event.type`).
public struct EventType: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let normal: Self = "Normal"
    public static let warning: Self = "Warning"
}

/// Who reported an event (`v1 EventSource`).
public struct EventSource: Codable, Hashable, Sendable {
    /// The component, e.g. `kubelet`.
    public var component: String?
    /// The node name.
    public var host: String?

    /// Creates an `EventSource`.
    public init(component: String? = nil, host: String? = nil) {
        self.component = component
        self.host = host
    }
}

/// Series data of a recurring event (`v1 EventSeries`).
public struct EventSeries: Codable, Hashable, Sendable {
    /// Occurrences in the series so far.
    public var count: Int32?
    /// When the last occurrence was observed.
    public var lastObservedTime: MicroTime?

    /// Creates an `EventSeries`.
    public init(count: Int32? = nil, lastObservedTime: MicroTime? = nil) {
        self.count = count
        self.lastObservedTime = lastObservedTime
    }
}
