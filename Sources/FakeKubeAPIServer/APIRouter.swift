import Foundation

/// Maps REST requests onto the store, as kube-apiserver's generic handlers do (staging/src/k8s.io/apiserver
/// endpoints/handlers): GET/LIST/WATCH, POST, PUT, PATCH, DELETE and DELETE collection, the `status` subresource,
/// and the service account `token` subresource; discovery and Tables are in their own files.
struct APIRouter: Sendable {
    let store: ObjectStore
    let resources: [APIResource]
    let options: FakeKubeAPIServer.Configuration

    /// The parsed resource path.
    struct Target {
        var resource: APIResource
        var namespace: String?
        var name: String?
        var subresource: String?
    }

    func route(_ request: RecordedRequest) -> RouteOutcome {
        do {
            if let discovery = try self.discovery(request) { return .reply(discovery) }
            guard let target = try self.target(request.path) else { return .reply(.error(.pathNotFound())) }
            return try self.handle(request, target)
        } catch let error as APIStatusError {
            return .reply(.error(error))
        } catch {
            return .reply(.error(APIStatusError(code: 500, reason: "InternalError", message: "\(error)")))
        }
    }

    /// Parses `/api/v1/...` and `/apis/<group>/<version>/...` into a resource, namespace, name and subresource.
    func target(_ path: String) throws -> Target? {
        let segments = path.split(separator: "/").map(String.init)
        let group: String
        let version: String
        let rest: ArraySlice<String>
        if segments.first == "api", segments.count >= 3 {
            (group, version, rest) = ("", segments[1], segments[2...])
        } else if segments.first == "apis", segments.count >= 4 {
            (group, version, rest) = (segments[1], segments[2], segments[3...])
        } else {
            return nil
        }
        let parts = Array(rest)
        func resource(_ plural: String) -> APIResource? {
            self.resources.first { $0.group == group && $0.version == version && $0.plural == plural }
        }
        // namespaces/<ns>/<plural>[/<name>[/<sub>]], except the namespace's own subresources.
        if parts.count >= 3, parts[0] == "namespaces", !(parts.count == 3 && ["status", "finalize"].contains(parts[2])) {
            guard let found = resource(parts[2]), found.namespaced, parts.count <= 5 else { return nil }
            return Target(resource: found, namespace: parts[1], name: parts.count > 3 ? parts[3] : nil,
                          subresource: parts.count > 4 ? parts[4] : nil)
        }
        guard let found = resource(parts[0]), parts.count <= 3 else { return nil }
        if found.namespaced, parts.count > 1 { return nil }
        return Target(resource: found, namespace: nil, name: parts.count > 1 ? parts[1] : nil,
                      subresource: parts.count > 2 ? parts[2] : nil)
    }

    func handle(_ request: RecordedRequest, _ target: Target) throws -> RouteOutcome {
        let resource = target.resource
        switch target.subresource {
        case nil, "status":
            break
        case "token" where resource == .serviceAccounts && request.method == "POST":
            return .reply(try self.tokenRequest(request, target))
        default:
            return .reply(.error(.pathNotFound()))
        }
        let statusOnly = target.subresource == "status"
        guard let name = target.name else {
            return try self.collection(request, target)
        }
        switch request.method {
        case "GET":
            let object = try self.store.get(resource, namespace: target.namespace, name: name)
            if let table = try Tables.reply(for: request, resource: resource, objects: [object], revision: object.resourceVersion, options: self.options) {
                return .reply(table)
            }
            return .reply(.json(200, object))
        case "PUT":
            try Validation.checkContentType(request)
            let body = try self.body(request)
            let existed = (try? self.store.get(resource, namespace: target.namespace, name: name)) != nil
            let object = try self.store.update(
                resource, namespace: target.namespace, name: name, body, statusOnly: statusOnly,
                requireNamespace: self.options.requireNamespaces
            )
            return .reply(.json(existed ? 200 : 201, object))
        case "PATCH":
            guard let type = PatchType(contentType: request.contentType) else {
                return .reply(.error(.unsupportedPatch(request.contentType)))
            }
            let patch = try self.body(request)
            let object = try self.store.patch(
                resource, namespace: target.namespace, name: name, type: type, patch: patch, statusOnly: statusOnly
            )
            return .reply(.json(200, object))
        case "DELETE" where !statusOnly:
            let options = try self.deleteOptions(request)
            switch try self.store.delete(resource, namespace: target.namespace, name: name, options: options) {
            case .pending(let object):
                return .reply(.json(200, object))
            case .deleted(let object):
                // upstream's `ReturnDeletedObject` stores (pods, service accounts) answer with the object, the others
                // with a Success Status naming it (`finalizeDelete`).
                if resource == .pods || resource == .serviceAccounts { return .reply(.json(200, object)) }
                var details: JSON = ["name": .string(name), "kind": .string(resource.plural), "uid": .string(object.uid)]
                if !resource.group.isEmpty { details["group"] = .string(resource.group) }
                return .reply(.json(200, [
                    "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "details": details,
                ]))
            }
        default:
            throw APIStatusError.methodNotAllowed(request.method, resource.plural)
        }
    }

    func collection(_ request: RecordedRequest, _ target: Target) throws -> RouteOutcome {
        let resource = target.resource
        guard target.subresource == nil else { return .reply(.error(.pathNotFound())) }
        switch request.method {
        case "GET":
            let labels = try request.queryValue("labelSelector").map { try LabelSelector(parsing: $0) }
            let fields = try request.queryValue("fieldSelector").map { try FieldSelector(parsing: $0, for: resource) }
            if request.isWatch {
                let timeout = request.queryValue("timeoutSeconds").flatMap(Int64.init).map { Duration.seconds($0) }
                let watch = WatchRequest(
                    resource: resource, namespace: target.namespace, labels: labels, fields: fields,
                    resourceVersion: request.queryValue("resourceVersion"),
                    allowBookmarks: ["1", "true"].contains(request.queryValue("allowWatchBookmarks")?.lowercased() ?? ""),
                    sendInitialEvents: request.queryValue("sendInitialEvents").map { $0 == "true" || $0 == "1" },
                    asTable: Tables.wantsTable(request), includeObject: request.queryValue("includeObject")
                )
                return .watch(watch, timeout: timeout ?? self.options.defaultWatchTimeout)
            }
            let limit = request.queryValue("limit").flatMap(Int.init) ?? 0
            let result = try self.store.list(
                resource, namespace: target.namespace, labels: labels, fields: fields, limit: limit,
                continueToken: request.queryValue("continue")
            )
            if let table = try Tables.reply(for: request, resource: resource, objects: result.items,
                                            revision: String(result.revision), options: self.options, list: result) {
                return .reply(table)
            }
            return .reply(.json(200, Self.listObject(resource, result)))
        case "POST":
            try Validation.checkContentType(request)
            let object = try self.store.create(
                resource, namespace: target.namespace, try self.body(request),
                requireNamespace: self.options.requireNamespaces
            )
            return .reply(.json(201, object))
        case "DELETE":
            let labels = try request.queryValue("labelSelector").map { try LabelSelector(parsing: $0) }
            let fields = try request.queryValue("fieldSelector").map { try FieldSelector(parsing: $0, for: resource) }
            let options = try self.deleteOptions(request)
            let matching = try self.store.list(resource, namespace: target.namespace, labels: labels, fields: fields)
            var items: [JSON] = []
            for object in matching.items {
                if case .deleted(let last) = try self.store.delete(
                    resource, namespace: object.namespace, name: object.name, options: options)
                {
                    items.append(last)
                }
            }
            return .reply(.json(200, Self.listObject(resource, .init(items: items, revision: self.store.revision))))
        default:
            throw APIStatusError.methodNotAllowed(request.method, resource.plural)
        }
    }

    /// A `<Kind>List`; items carry no kind/apiVersion, as kube-apiserver's typed lists.
    static func listObject(_ resource: APIResource, _ result: ObjectStore.ListResult) -> JSON {
        var metadata: JSON = ["resourceVersion": .string(String(result.revision))]
        if let token = result.continueToken { metadata["continue"] = .string(token) }
        if let remaining = result.remainingItemCount { metadata["remainingItemCount"] = .int(Int64(remaining)) }
        let items = result.items.map { item -> JSON in
            var item = item
            item.removeValue(forKey: "kind")
            item.removeValue(forKey: "apiVersion")
            return item
        }
        return [
            "kind": .string(resource.kind + "List"), "apiVersion": .string(resource.apiVersion),
            "metadata": metadata, "items": .array(items),
        ]
    }

    func body(_ request: RecordedRequest) throws -> JSON {
        guard !request.body.isEmpty else { throw APIStatusError.badRequest("the request body is empty") }
        do {
            return try JSON(parsing: request.body)
        } catch {
            throw APIStatusError.badRequest("the body of the request is not valid JSON: \(error)")
        }
    }

    func deleteOptions(_ request: RecordedRequest) throws -> DeleteOptions {
        var options = request.body.isEmpty ? DeleteOptions() : DeleteOptions(try self.body(request))
        if let grace = request.queryValue("gracePeriodSeconds").flatMap(Int64.init) { options.gracePeriodSeconds = grace }
        return options
    }
}
