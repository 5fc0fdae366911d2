public import ServiceLifecycle

/// In this module `Service` is ServiceLifecycle's protocol; KubeAPI's core/v1 object is `KubeAPI.Service`.
public typealias Service = ServiceLifecycle.Service
