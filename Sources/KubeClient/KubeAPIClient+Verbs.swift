import Foundation
public import KubeAPI
import NIOHTTP1

/// Options of a list (`metav1.ListOptions`).
public struct ListOptions: Sendable, Equatable {
    /// `app=web,tier!=db`.
    public var labelSelector: String?
    /// `spec.nodeName=worker-1`, `metadata.name=worker-1`.
    public var fieldSelector: String?
    /// Page size; the answer's ``ListMeta/continueToken`` fetches the next page.
    public var limit: Int?
    /// The continue token of the previous page.
    public var continueToken: String?
    /// `0` (any, from the cache) or a version; nil reads the latest (quorum read).
    public var resourceVersion: String?
    /// `NotOlderThan` or `Exact`.
    public var resourceVersionMatch: String?
    /// Server-side timeout of the list.
    public var timeoutSeconds: Int?

    /// Creates list options; every parameter defaults to unset.
    public init(
        labelSelector: String? = nil,
        fieldSelector: String? = nil,
        limit: Int? = nil,
        continueToken: String? = nil,
        resourceVersion: String? = nil,
        resourceVersionMatch: String? = nil,
        timeoutSeconds: Int? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
        self.timeoutSeconds = timeoutSeconds
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let labelSelector, !labelSelector.isEmpty { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { items.append(("fieldSelector", fieldSelector)) }
        if let limit, limit > 0 { items.append(("limit", String(limit))) }
        if let continueToken, !continueToken.isEmpty { items.append(("continue", continueToken)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        if let resourceVersionMatch { items.append(("resourceVersionMatch", resourceVersionMatch)) }
        if let timeoutSeconds { items.append(("timeoutSeconds", String(timeoutSeconds))) }
        return items
    }
}

/// A patch body and its content type.
public struct Patch: Sendable, Equatable {
    /// `application/merge-patch+json` (RFC 7386), `application/strategic-merge-patch+json` or
    /// `application/json-patch+json` (RFC 6902).
    public var contentType: String
    /// The JSON body.
    public var body: [UInt8]

    /// A raw patch.
    public init(contentType: String, body: [UInt8]) {
        self.contentType = contentType
        self.body = body
    }

    /// A JSON merge patch: `value` encoded as JSON; use ``JSONValue/null`` to remove a field.
    public static func merge(_ value: some Encodable) throws -> Patch {
        Patch(contentType: "application/merge-patch+json", body: try Self.json(value))
    }

    /// A strategic merge patch (lists merge by their patch key, e.g. conditions by `type`), as the kubelet patches
    /// node and pod status.
    public static func strategicMerge(_ value: some Encodable) throws -> Patch {
        Patch(contentType: "application/strategic-merge-patch+json", body: try Self.json(value))
    }

    /// A JSON patch: a list of operations.
    public static func json(_ operations: [JSONPatchOperation]) throws -> Patch {
        Patch(contentType: "application/json-patch+json", body: try Self.json(operations))
    }

    private static func json(_ value: some Encodable) throws -> [UInt8] {
        Array(try KubeJSON.encoder(sorted: true).encode(value))
    }
}

/// One operation of a JSON patch (RFC 6902).
public struct JSONPatchOperation: Codable, Sendable, Equatable {
    /// `add`, `remove`, `replace`, `move`, `copy` or `test`.
    public var op: String
    /// JSON pointer, e.g. `/metadata/labels/app`.
    public var path: String
    /// The value of add, replace and test.
    public var value: JSONValue?
    /// The source of move and copy.
    public var from: String?

    /// Creates an operation.
    public init(op: String, path: String, value: JSONValue? = nil, from: String? = nil) {
        self.op = op
        self.path = path
        self.value = value
        self.from = from
    }
}

extension KubeAPIClient {
    /// The namespace of a request for a namespaced kind: the given one, else the object's, else the context's,
    /// else `default`; nil for cluster-scoped kinds.
    func namespace(for resource: APIResource, _ namespace: String?, object: ObjectMeta? = nil) -> String? {
        guard resource.namespaced else { return nil }
        if let namespace, !namespace.isEmpty { return namespace }
        if let objectNamespace = object?.namespace, !objectNamespace.isEmpty { return objectNamespace }
        if let contextNamespace = self.configuration.namespace, !contextNamespace.isEmpty { return contextNamespace }
        return "default"
    }

    /// Reads one object.
    /// - Parameters:
    ///   - type: the kind, e.g. `Node.self`.
    ///   - namespace: for namespaced kinds; default the context's namespace or `default`.
    ///   - name: the object's name.
    /// - Throws: ``KubeAPIError`` (`isNotFound` when it does not exist).
    public func get<T: KubeResource>(_ type: T.Type, namespace: String? = nil, name: String) async throws -> T {
        let path = T.resource.path(namespace: self.namespace(for: T.resource, namespace), name: name)
        return try await self.send(Request(method: .GET, path: path), as: T.self)
    }

    /// Lists one page of objects.
    /// - Parameters:
    ///   - type: the kind.
    ///   - namespace: nil lists every namespace (and is ignored for cluster-scoped kinds).
    ///   - options: selectors, paging, resourceVersion.
    /// - Returns: the items and `metadata.resourceVersion` (watch from it) and `metadata.continueToken`.
    public func list<T: KubeResource>(
        _ type: T.Type,
        namespace: String? = nil,
        options: ListOptions = ListOptions()
    ) async throws -> KubeList<T> {
        let path = T.resource.path(namespace: namespace)
        return try await self.send(Request(method: .GET, path: path, query: options.queryItems), as: KubeList<T>.self)
    }

    /// Lists every page (`limit` per page, default 500, like client-go's pager) into one list whose
    /// resourceVersion is the consistent snapshot's.
    public func listAll<T: KubeResource>(
        _ type: T.Type,
        namespace: String? = nil,
        options: ListOptions = ListOptions()
    ) async throws -> KubeList<T> {
        var options = options
        if options.limit == nil { options.limit = 500 }
        var result = try await self.list(T.self, namespace: namespace, options: options)
        var next = result.metadata.continueToken
        while let token = next, !token.isEmpty {
            options.continueToken = token
            let page = try await self.list(T.self, namespace: namespace, options: options)
            result.items += page.items
            next = page.metadata.continueToken
        }
        result.metadata.continueToken = nil
        result.metadata.remainingItemCount = nil
        return result
    }

    /// Creates an object (POST); `apiVersion` and `kind` are filled in when unset.
    /// - Parameters:
    ///   - object: the object; its `metadata.namespace` is used when `namespace` is nil.
    ///   - namespace: overrides the object's namespace.
    /// - Returns: the object as stored (uid, resourceVersion, defaults).
    /// - Throws: ``KubeAPIError`` (`isAlreadyExists`, `isInvalid`, ...).
    public func create<T: KubeResource>(_ object: T, namespace: String? = nil) async throws -> T {
        let path = T.resource.path(namespace: self.namespace(for: T.resource, namespace, object: object.metadata))
        return try await self.write(object, method: .POST, path: path)
    }

    /// Replaces an object (PUT); fails with a conflict when `metadata.resourceVersion` is set and stale.
    public func update<T: KubeResource>(_ object: T) async throws -> T {
        let path = T.resource.path(
            namespace: self.namespace(for: T.resource, nil, object: object.metadata), name: object.metadata.name
        )
        return try await self.write(object, method: .PUT, path: path)
    }

    /// Replaces an object's status (PUT on the `status` subresource; spec changes are ignored by the server).
    public func updateStatus<T: KubeResource>(_ object: T) async throws -> T {
        let path = T.resource.path(
            namespace: self.namespace(for: T.resource, nil, object: object.metadata), name: object.metadata.name,
            subresource: "status"
        )
        return try await self.write(object, method: .PUT, path: path)
    }

    /// Patches an object (PATCH with the patch's content type).
    /// - Parameters:
    ///   - type: the kind.
    ///   - namespace: for namespaced kinds.
    ///   - name: the object's name.
    ///   - patch: ``Patch/merge(_:)``, ``Patch/strategicMerge(_:)`` or ``Patch/json(_:)``.
    ///   - subresource: e.g. `status`.
    /// - Returns: the patched object.
    public func patch<T: KubeResource>(
        _ type: T.Type,
        namespace: String? = nil,
        name: String,
        patch: Patch,
        subresource: String? = nil
    ) async throws -> T {
        let path = T.resource.path(
            namespace: self.namespace(for: T.resource, namespace), name: name, subresource: subresource
        )
        let request = Request(method: .PATCH, path: path, body: patch.body, contentType: patch.contentType)
        return try await self.send(request, as: T.self)
    }

    /// Patches an object's `status` subresource (how the kubelet writes node and pod status).
    public func patchStatus<T: KubeResource>(
        _ type: T.Type,
        namespace: String? = nil,
        name: String,
        patch: Patch
    ) async throws -> T {
        try await self.patch(T.self, namespace: namespace, name: name, patch: patch, subresource: "status")
    }

    /// Deletes an object.
    /// - Parameters:
    ///   - options: grace period, preconditions (uid), propagation.
    /// - Returns: the object when the server returns it (a graceful delete sets `deletionTimestamp`), nil when it
    ///   answers with a Status (deleted at once).
    /// - Throws: ``KubeAPIError`` (`isNotFound`; `isConflict` when a precondition failed).
    @discardableResult
    public func delete<T: KubeResource>(
        _ type: T.Type,
        namespace: String? = nil,
        name: String,
        options: DeleteOptions? = nil
    ) async throws -> T? {
        let path = T.resource.path(namespace: self.namespace(for: T.resource, namespace), name: name)
        var request = Request(method: .DELETE, path: path)
        if let options {
            request.body = try Self.encode(options, request: request.describe(server: self.configuration.server))
        }
        let body = try await self.send(request)
        let decoder = KubeJSON.decoder()
        if (try? decoder.decode(KindProbe.self, from: Data(body)))?.kind == "Status" { return nil }
        return try? decoder.decode(T.self, from: Data(body))
    }

    /// Requests a service account token (POST `serviceaccounts/<name>/token`).
    /// - Parameters:
    ///   - serviceAccount: the service account's name.
    ///   - namespace: its namespace.
    ///   - request: audiences, expiration and the bound object.
    /// - Returns: the request with `status.token` and `status.expirationTimestamp`.
    public func createToken(
        serviceAccount: String,
        namespace: String,
        request: TokenRequest
    ) async throws -> TokenRequest {
        let path = APIResource.serviceAccounts.path(namespace: namespace, name: serviceAccount, subresource: "token")
        var request = request
        if request.apiVersion == nil { request.apiVersion = TokenRequest.apiVersion }
        if request.kind == nil { request.kind = "TokenRequest" }
        let http = Request(method: .POST, path: path)
        let body = try Self.encode(request, request: http.describe(server: self.configuration.server))
        return try await self.send(Request(method: .POST, path: path, body: body), as: TokenRequest.self)
    }

    private func write<T: KubeResource>(_ object: T, method: HTTPMethod, path: String) async throws -> T {
        var object = object
        if object.apiVersion == nil { object.apiVersion = T.resource.apiVersion }
        if object.kind == nil { object.kind = T.resource.kind }
        let described = Request(method: method, path: path).describe(server: self.configuration.server)
        let body = try Self.encode(object, request: described)
        return try await self.send(Request(method: method, path: path, body: body), as: T.self)
    }
}

/// Reads only `kind` of an answer.
private struct KindProbe: Decodable {
    var kind: String?
}
