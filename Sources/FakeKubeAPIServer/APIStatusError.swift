/// A failed request as kube-apiserver reports it: an HTTP code and a `kind: Status` body with reason, message and
/// details (k8s.io/apimachinery/pkg/api/errors). Thrown by the server's direct (non-HTTP) API too.
public struct APIStatusError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    /// `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `BadRequest`, `Expired`, `Gone`, ...
    public var reason: String
    public var message: String
    public var details: JSON

    public init(code: Int, reason: String, message: String, details: JSON = .null) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    public var description: String { "\(self.code) \(self.reason): \(self.message)" }

    /// The `kind: Status` object.
    public var status: JSON {
        var status: JSON = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(self.message), "code": .int(Int64(self.code)),
        ]
        if !self.reason.isEmpty { status["reason"] = .string(self.reason) }
        if !self.details.isNull { status["details"] = self.details }
        return status
    }

    static func details(_ resource: APIResource, name: String) -> JSON {
        var details: JSON = ["name": .string(name), "kind": .string(resource.plural)]
        if !resource.group.isEmpty { details["group"] = .string(resource.group) }
        return details
    }

    /// 404: `pods "x" not found`.
    public static func notFound(_ resource: APIResource, name: String) -> Self {
        Self(
            code: 404, reason: "NotFound", message: "\(resource.qualifiedName) \"\(name)\" not found",
            details: self.details(resource, name: name)
        )
    }

    /// 409: `pods "x" already exists`.
    public static func alreadyExists(_ resource: APIResource, name: String) -> Self {
        Self(
            code: 409, reason: "AlreadyExists", message: "\(resource.qualifiedName) \"\(name)\" already exists",
            details: self.details(resource, name: name)
        )
    }

    /// 409: the optimistic-concurrency failure of an update with a stale `resourceVersion`.
    public static func conflict(_ resource: APIResource, name: String, reason: String) -> Self {
        Self(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(resource.qualifiedName) \"\(name)\": \(reason)",
            details: self.details(resource, name: name)
        )
    }

    static let staleObject = "the object has been modified; please apply your changes to the latest version and try again"

    /// 422: `Pod "x" is invalid: metadata.name: Required value: name or generateName is required`.
    public static func invalid(
        _ resource: APIResource, name: String, field: String, type: String, causeReason: String, detail: String
    ) -> Self {
        let message = "\(type): \(detail)"
        var details: JSON = [
            "name": .string(name), "kind": .string(resource.kind),
            "causes": [["reason": .string(causeReason), "message": .string(message), "field": .string(field)]],
        ]
        if !resource.group.isEmpty { details["group"] = .string(resource.group) }
        return Self(
            code: 422, reason: "Invalid", message: "\(resource.kind) \"\(name)\" is invalid: \(field): \(message)",
            details: details
        )
    }

    /// 400 BadRequest.
    public static func badRequest(_ message: String) -> Self {
        Self(code: 400, reason: "BadRequest", message: message)
    }

    /// 405 MethodNotAllowed.
    static func methodNotAllowed(_ method: String, _ resource: String) -> Self {
        Self(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource",
             details: ["kind": .string(resource)])
    }

    /// 410 Expired: a watch or continue token from before the retained history.
    public static func expired(_ message: String) -> Self {
        Self(code: 410, reason: "Expired", message: message)
    }

    /// 404 for a path that names no resource.
    static func pathNotFound() -> Self {
        Self(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
    }

    /// 415 for a PATCH in an unknown format.
    static func unsupportedPatch(_ contentType: String) -> Self {
        Self(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: "
                + "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"
                + (contentType.isEmpty ? "" : " (got \(contentType))")
        )
    }
}
