/// One REST resource the fake server serves, e.g. core/v1 `pods` or coordination.k8s.io/v1 `leases`.
public struct APIResource: Sendable, Hashable, CustomStringConvertible {
    /// The API group; empty for the core (legacy) group.
    public var group: String
    public var version: String
    /// The plural resource name used in URLs, e.g. `pods`.
    public var plural: String
    public var singular: String
    public var kind: String
    public var namespaced: Bool
    public var shortNames: [String]
    /// Whether `.../status` is served (and a plain update ignores `.status`).
    public var hasStatus: Bool
    /// Whether PUT on a missing object creates it, as upstream's `AllowCreateOnUpdate` (events, endpoints).
    public var createOnUpdate: Bool
    /// The extra field selector labels besides `metadata.name`/`metadata.namespace`, mapped to the JSON path they
    /// read (upstream's per-resource field label conversion funcs).
    public var fieldLabels: [String: String]

    public init(
        group: String, version: String, plural: String, singular: String, kind: String, namespaced: Bool,
        shortNames: [String] = [], hasStatus: Bool = false, createOnUpdate: Bool = false,
        fieldLabels: [String: String] = [:]
    ) {
        self.group = group
        self.version = version
        self.plural = plural
        self.singular = singular
        self.kind = kind
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.hasStatus = hasStatus
        self.createOnUpdate = createOnUpdate
        self.fieldLabels = fieldLabels
    }

    /// `v1` or `group/version`, as in an object's `apiVersion`.
    public var apiVersion: String { self.group.isEmpty ? self.version : "\(self.group)/\(self.version)" }

    /// The resource as upstream names it in messages: `pods`, `leases.coordination.k8s.io`.
    public var qualifiedName: String { self.group.isEmpty ? self.plural : "\(self.plural).\(self.group)" }

    /// The URL prefix of the group version: `/api/v1` or `/apis/<group>/<version>`.
    public var groupVersionPath: String {
        self.group.isEmpty ? "/api/\(self.version)" : "/apis/\(self.group)/\(self.version)"
    }

    public var description: String { "\(self.apiVersion) \(self.plural)" }

    /// The path of the collection (`namespace` nil lists across namespaces).
    public func collectionPath(namespace: String?) -> String {
        if self.namespaced, let namespace { return "\(self.groupVersionPath)/namespaces/\(namespace)/\(self.plural)" }
        return "\(self.groupVersionPath)/\(self.plural)"
    }

    /// The path of one object.
    public func objectPath(namespace: String?, name: String) -> String {
        "\(self.collectionPath(namespace: namespace))/\(name)"
    }
}

extension APIResource {
    public static let nodes = APIResource(
        group: "", version: "v1", plural: "nodes", singular: "node", kind: "Node", namespaced: false,
        shortNames: ["no"], hasStatus: true, fieldLabels: ["spec.unschedulable": "spec.unschedulable"]
    )
    public static let pods = APIResource(
        group: "", version: "v1", plural: "pods", singular: "pod", kind: "Pod", namespaced: true, shortNames: ["po"],
        hasStatus: true,
        fieldLabels: [
            "spec.nodeName": "spec.nodeName", "spec.restartPolicy": "spec.restartPolicy",
            "spec.schedulerName": "spec.schedulerName", "spec.serviceAccountName": "spec.serviceAccountName",
            "spec.hostNetwork": "spec.hostNetwork", "status.phase": "status.phase", "status.podIP": "status.podIP",
            "status.nominatedNodeName": "status.nominatedNodeName",
        ]
    )
    public static let events = APIResource(
        group: "", version: "v1", plural: "events", singular: "event", kind: "Event", namespaced: true,
        shortNames: ["ev"], createOnUpdate: true,
        fieldLabels: [
            "involvedObject.kind": "involvedObject.kind", "involvedObject.namespace": "involvedObject.namespace",
            "involvedObject.name": "involvedObject.name", "involvedObject.uid": "involvedObject.uid",
            "involvedObject.apiVersion": "involvedObject.apiVersion",
            "involvedObject.resourceVersion": "involvedObject.resourceVersion",
            "involvedObject.fieldPath": "involvedObject.fieldPath", "reason": "reason",
            "reportingComponent": "reportingComponent", "source": "source.component", "type": "type",
        ]
    )
    public static let configMaps = APIResource(
        group: "", version: "v1", plural: "configmaps", singular: "configmap", kind: "ConfigMap", namespaced: true,
        shortNames: ["cm"]
    )
    public static let secrets = APIResource(
        group: "", version: "v1", plural: "secrets", singular: "secret", kind: "Secret", namespaced: true,
        fieldLabels: ["type": "type"]
    )
    public static let services = APIResource(
        group: "", version: "v1", plural: "services", singular: "service", kind: "Service", namespaced: true,
        shortNames: ["svc"], hasStatus: true
    )
    public static let namespaces = APIResource(
        group: "", version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace", namespaced: false,
        shortNames: ["ns"], hasStatus: true, fieldLabels: ["status.phase": "status.phase"]
    )
    public static let serviceAccounts = APIResource(
        group: "", version: "v1", plural: "serviceaccounts", singular: "serviceaccount", kind: "ServiceAccount",
        namespaced: true, shortNames: ["sa"]
    )
    public static let endpoints = APIResource(
        group: "", version: "v1", plural: "endpoints", singular: "endpoints", kind: "Endpoints", namespaced: true,
        shortNames: ["ep"], createOnUpdate: true
    )
    public static let leases = APIResource(
        group: "coordination.k8s.io", version: "v1", plural: "leases", singular: "lease", kind: "Lease",
        namespaced: true
    )
    public static let endpointSlices = APIResource(
        group: "discovery.k8s.io", version: "v1", plural: "endpointslices", singular: "endpointslice",
        kind: "EndpointSlice", namespaced: true,
        fieldLabels: ["addressType": "addressType"]
    )

    /// Every resource the server serves by default.
    public static let builtIn: [APIResource] = [
        .nodes, .pods, .events, .configMaps, .secrets, .services, .namespaces, .serviceAccounts, .endpoints,
        .leases, .endpointSlices,
    ]
}
