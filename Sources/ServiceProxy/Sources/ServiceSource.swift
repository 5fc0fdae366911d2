public import KubeAPI

/// One change of the proxy's inputs, as a source delivers it (upstream's `ServiceHandler` and
/// `EndpointSliceHandler` callbacks folded into one stream).
public enum ServiceSourceEvent: Sendable, Equatable {
    /// A Service was added or changed (the whole new object).
    case serviceUpdated(Service)
    /// A Service is gone.
    case serviceDeleted(namespace: String, name: String)
    /// An EndpointSlice was added or changed.
    case endpointSliceUpdated(EndpointSlice)
    /// An EndpointSlice is gone.
    case endpointSliceDeleted(namespace: String, name: String)
    /// Every Service that existed when the source started has been delivered (upstream `OnServiceSynced`).
    case servicesSynced
    /// Every EndpointSlice that existed when the source started has been delivered (`OnEndpointSlicesSynced`).
    case endpointSlicesSynced
}

/// Where the proxy's Services and EndpointSlices come from: a manifest directory in standalone mode
/// (``ManifestDirectoryServiceSource``), an API server watch in cluster mode.
///
/// A source delivers, in order: the objects that exist, then ``ServiceSourceEvent/servicesSynced`` and
/// ``ServiceSourceEvent/endpointSlicesSynced`` (the proxy writes no rules before both), then changes as they
/// happen. After a re-list (a watch that expired), a source delivers updates for what changed and deletes for what
/// is gone; repeating an unchanged object is harmless (the proxy drops no-op updates).
///
/// ```swift
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { try await source.run() }
///     for await event in source.events { proxier.handle(event) }
/// }
/// ```
public protocol ServiceSource: Sendable {
    /// The events, in order. Finishes when ``run()`` returns.
    var events: AsyncStream<ServiceSourceEvent> { get }

    /// Lists, then watches until the task is cancelled. Errors that the source can retry (a missing directory, a
    /// dropped watch) are logged and retried, not thrown.
    func run() async throws
}
