// REST mappings of kinds declared elsewhere in this module, so the API client can read and watch them.

extension Service: KubeResource {
    /// `services` in core/v1, namespaced.
    public static let resource = APIResource(kind: "Service", plural: "services", namespaced: true)
}

extension EndpointSlice: KubeResource {
    /// `endpointslices` in discovery.k8s.io/v1, namespaced.
    public static let resource = APIResource(
        group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice", plural: "endpointslices", namespaced: true
    )
}
