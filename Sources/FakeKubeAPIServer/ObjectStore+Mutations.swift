import Synchronization
import Foundation

/// Options of a DELETE (a `DeleteOptions` body or the `gracePeriodSeconds` query parameter).
public struct DeleteOptions: Sendable, Equatable {
    public var gracePeriodSeconds: Int64?
    public var preconditionUID: String?
    public var preconditionResourceVersion: String?

    public init(gracePeriodSeconds: Int64? = nil, preconditionUID: String? = nil, preconditionResourceVersion: String? = nil) {
        self.gracePeriodSeconds = gracePeriodSeconds
        self.preconditionUID = preconditionUID
        self.preconditionResourceVersion = preconditionResourceVersion
    }

    /// Reads a `DeleteOptions` object (`gracePeriodSeconds`, `preconditions.uid`, `preconditions.resourceVersion`).
    public init(_ json: JSON) {
        self.gracePeriodSeconds = json["gracePeriodSeconds"].int
        self.preconditionUID = json["preconditions"]["uid"].string
        self.preconditionResourceVersion = json["preconditions"]["resourceVersion"].string
    }
}

extension ObjectStore {
    /// Creates an object (POST to the collection): name from `generateName`, uid, creationTimestamp, the resource's
    /// kind and apiVersion, and the defaults upstream's create strategy sets (a pod's status becomes Pending).
    /// - Throws: 409 AlreadyExists, 422 Invalid (no name), 404 when the namespace does not exist and
    ///   `requireNamespace` is set, 400 when the body's namespace differs from the URL's.
    func create(_ resource: APIResource, namespace: String?, _ body: JSON, requireNamespace: Bool) throws -> JSON {
        var object = body
        guard case .object = object else { throw APIStatusError.badRequest("the body of a \(resource.kind) must be a JSON object") }
        if resource.namespaced {
            let bodyNamespace = object.namespace
            let namespace = namespace ?? bodyNamespace
            guard bodyNamespace.isEmpty || bodyNamespace == namespace else {
                throw APIStatusError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            guard !namespace.isEmpty else {
                throw APIStatusError.invalid(resource, name: object.name, field: "metadata.namespace", type: "Required value",
                                             causeReason: "FieldValueRequired", detail: "namespace is required")
            }
            object["metadata"]["namespace"] = .string(namespace)
        } else {
            object["metadata"].removeValue(forKey: "namespace")
        }
        return try self.state.withLock { state in
            if object.name.isEmpty, let prefix = object["metadata"]["generateName"].string, !prefix.isEmpty {
                object["metadata"]["name"] = .string(prefix + Self.randomSuffix())
            }
            guard !object.name.isEmpty else {
                throw APIStatusError.invalid(resource, name: "", field: "metadata.name", type: "Required value",
                                             causeReason: "FieldValueRequired", detail: "name or generateName is required")
            }
            try Validation.validate(resource, object)
            if resource.namespaced, requireNamespace,
                state.objects[.namespaces]?[Key(namespace: "", name: object.namespace)] == nil
            {
                throw APIStatusError.notFound(.namespaces, name: object.namespace)
            }
            let key = Key(namespace: object.namespace, name: object.name)
            guard state.objects[resource]?[key] == nil else {
                throw APIStatusError.alreadyExists(resource, name: object.name)
            }
            object["kind"] = .string(resource.kind)
            object["apiVersion"] = .string(resource.apiVersion)
            object["metadata"]["uid"] = .string(UUID().uuidString.lowercased())
            object["metadata"]["creationTimestamp"] = self.timestamp()
            for field in ["deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion", "selfLink"] {
                object["metadata"].removeValue(forKey: field)
            }
            Defaults.applyOnCreate(resource, &object)
            return Self.write(&state, resource, object, type: .added, previous: nil)
        }
    }

    /// Replaces an object (PUT). A plain update keeps the stored `.status` of resources with a status subresource;
    /// `statusOnly` (PUT `.../status`) changes nothing but `.status`.
    /// - Throws: 404, 400 (name differs from the URL), 409 Conflict (stale `metadata.resourceVersion` or a
    ///   different `metadata.uid`).
    func update(
        _ resource: APIResource, namespace: String?, name: String, _ body: JSON, statusOnly: Bool,
        requireNamespace: Bool
    ) throws -> JSON {
        guard case .object = body else { throw APIStatusError.badRequest("the body of a \(resource.kind) must be a JSON object") }
        guard body.name.isEmpty || body.name == name else {
            throw APIStatusError.badRequest("the name of the object (\(body.name)) does not match the name on the URL (\(name))")
        }
        let existing = try? self.get(resource, namespace: namespace, name: name)
        if existing == nil, resource.createOnUpdate, !statusOnly {
            var body = body
            body["metadata"]["name"] = .string(name)
            return try self.create(resource, namespace: namespace, body, requireNamespace: requireNamespace)
        }
        return try self.state.withLock { state in
            let key = Self.key(resource, namespace, name)
            guard let current = state.objects[resource]?[key] else { throw APIStatusError.notFound(resource, name: name) }
            let requested = body.resourceVersion
            guard requested.isEmpty || requested == current.resourceVersion else {
                throw APIStatusError.conflict(resource, name: name, reason: APIStatusError.staleObject)
            }
            return try Self.replace(&state, resource, current: current, with: body, statusOnly: statusOnly, now: self.now())
        }
    }

    /// Applies a patch under the lock (read, patch, write atomically).
    /// - Throws: 404, 400/415/422 for a bad patch, 409 when the patch carries a stale `metadata.resourceVersion`
    ///   or a different `metadata.uid` (the kubelet's status patch precondition).
    func patch(
        _ resource: APIResource, namespace: String?, name: String, type: PatchType, patch: JSON, statusOnly: Bool
    ) throws -> JSON {
        try self.state.withLock { state in
            let key = Self.key(resource, namespace, name)
            guard let current = state.objects[resource]?[key] else { throw APIStatusError.notFound(resource, name: name) }
            var patched = try Patch.apply(type, patch: patch, to: current)
            let requested = patched.resourceVersion
            guard requested.isEmpty || requested == current.resourceVersion else {
                throw APIStatusError.conflict(resource, name: name, reason: APIStatusError.staleObject)
            }
            guard patched.name == name else {
                throw APIStatusError.badRequest("the name of the object (\(patched.name)) does not match the name on the URL (\(name))")
            }
            if type == .json { patched["metadata"]["resourceVersion"] = .string(current.resourceVersion) }
            return try Self.replace(&state, resource, current: current, with: patched, statusOnly: statusOnly, now: self.now())
        }
    }

    static func replace(
        _ state: inout State, _ resource: APIResource, current: JSON, with body: JSON, statusOnly: Bool, now: Date
    ) throws -> JSON {
        if !body.uid.isEmpty, body.uid != current.uid {
            throw APIStatusError.conflict(
                resource, name: current.name,
                reason: "Precondition failed: UID in precondition: \(body.uid), UID in object meta: \(current.uid)"
            )
        }
        var updated: JSON
        if statusOnly {
            updated = current
            updated["status"] = body["status"]
            if body["status"].isNull { updated.removeValue(forKey: "status") }
        } else {
            updated = body
            updated["kind"] = .string(resource.kind)
            updated["apiVersion"] = .string(resource.apiVersion)
            for field in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace", "name"] {
                updated["metadata"][field] = current["metadata"][field]
                if current["metadata"][field].isNull { updated["metadata"].removeValue(forKey: field) }
            }
            if resource.hasStatus {
                updated["status"] = current["status"]
                if current["status"].isNull { updated.removeValue(forKey: "status") }
            }
        }
        try Validation.validate(resource, updated)
        var comparable = updated
        comparable["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
        if comparable == current { return current }
        // An object being deleted whose last finalizer is gone is removed, as upstream's store does.
        if !updated["metadata"]["deletionTimestamp"].isNull, (updated["metadata"]["finalizers"].array ?? []).isEmpty,
            updated["metadata"]["deletionGracePeriodSeconds"].int ?? 0 == 0
        {
            return Self.write(&state, resource, updated, type: .deleted, previous: current)
        }
        return Self.write(&state, resource, updated, type: .modified, previous: current)
    }

    /// What a DELETE did.
    enum DeleteOutcome {
        /// The object is gone; this was its last state.
        case deleted(JSON)
        /// Graceful deletion (or finalizers) keep the object, now carrying `deletionTimestamp`.
        case pending(JSON)
    }

    /// Deletes an object as upstream's generic store does. Pods are deleted gracefully: the period is
    /// `gracePeriodSeconds`, else `spec.terminationGracePeriodSeconds`, else 0; 0 for unscheduled or terminated
    /// pods. A non-zero period sets `deletionTimestamp` (now + period) and `deletionGracePeriodSeconds` and keeps the
    /// pod until a delete with period 0 (the kubelet's final delete). Objects with finalizers are kept with a
    /// `deletionTimestamp` until the last finalizer is removed.
    /// - Throws: 404, 409 Conflict when a precondition (uid, resourceVersion) fails.
    func delete(_ resource: APIResource, namespace: String?, name: String, options: DeleteOptions) throws -> DeleteOutcome {
        try self.state.withLock { state in
            let key = Self.key(resource, namespace, name)
            guard let current = state.objects[resource]?[key] else { throw APIStatusError.notFound(resource, name: name) }
            if let uid = options.preconditionUID, uid != current.uid {
                throw APIStatusError.conflict(resource, name: name,
                    reason: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(current.uid)")
            }
            if let version = options.preconditionResourceVersion, version != current.resourceVersion {
                throw APIStatusError.conflict(resource, name: name,
                    reason: "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(current.resourceVersion)")
            }
            var period: Int64 = 0
            if resource == .pods {
                period = options.gracePeriodSeconds ?? current["spec"]["terminationGracePeriodSeconds"].int ?? 0
                let phase = current["status"]["phase"].string
                if (current["spec"]["nodeName"].string ?? "").isEmpty || phase == "Succeeded" || phase == "Failed" {
                    period = 0
                }
                if period < 0 { period = 1 }
            }
            let finalizers = current["metadata"]["finalizers"].array ?? []
            if period > 0 || !finalizers.isEmpty {
                if let existing = current["metadata"]["deletionGracePeriodSeconds"].int,
                    !current["metadata"]["deletionTimestamp"].isNull, existing <= period
                {
                    return .pending(current)
                }
                var updated = current
                updated["metadata"]["deletionTimestamp"] = self.timestamp(self.now().addingTimeInterval(Double(period)))
                updated["metadata"]["deletionGracePeriodSeconds"] = .int(period)
                return .pending(Self.write(&state, resource, updated, type: .modified, previous: current))
            }
            return .deleted(Self.write(&state, resource, current, type: .deleted, previous: current))
        }
    }

    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement()! })
    }
}
