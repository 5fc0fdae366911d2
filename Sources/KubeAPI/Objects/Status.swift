/// The API server's answer to a failed request, and the object of a watch `ERROR` event (`metav1.Status`).
///
/// ```json
/// {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
///  "message":"pods \"web\" not found","reason":"NotFound","details":{"name":"web","kind":"pods"},"code":404}
/// ```
public struct Status: Codable, Hashable, Sendable, CustomStringConvertible {
    /// `v1`.
    public var apiVersion: String?
    /// `Status`.
    public var kind: String?
    /// List metadata (usually empty).
    public var metadata: ListMeta
    /// `Success` or `Failure`.
    public var status: String?
    /// Human-readable description, e.g. `pods "web" not found`.
    public var message: String?
    /// Machine-readable reason; empty when the server gave none.
    public var reason: StatusReason?
    /// Details of the reason: the object named and the field causes.
    public var details: StatusDetails?
    /// The HTTP status code, e.g. 404.
    public var code: Int32?

    /// Creates a `Status`; every parameter defaults to unset.
    public init(
        apiVersion: String? = nil,
        kind: String? = nil,
        metadata: ListMeta = ListMeta(),
        status: String? = nil,
        message: String? = nil,
        reason: StatusReason? = nil,
        details: StatusDetails? = nil,
        code: Int32? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.status = status
        self.message = message
        self.reason = reason
        self.details = details
        self.code = code
    }

    /// A failure status as the API server writes it (`kind: Status`, `apiVersion: v1`, `status: Failure`).
    public static func failure(
        code: Int32,
        reason: StatusReason,
        message: String,
        details: StatusDetails? = nil
    ) -> Status {
        Status(
            apiVersion: "v1", kind: "Status", status: "Failure", message: message, reason: reason, details: details,
            code: code
        )
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, status, message, reason, details, code
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.apiVersion = try container.value(.apiVersion)
        self.kind = try container.value(.kind)
        self.metadata = try container.value(.metadata, default: ListMeta())
        self.status = try container.value(.status)
        self.message = try container.value(.message)
        self.reason = try container.value(.reason)
        self.details = try container.value(.details)
        self.code = try container.value(.code)
    }

    /// The message, or the reason and code when there is none.
    public var description: String {
        if let message, !message.isEmpty { return message }
        return "\(self.reason?.rawValue ?? "Unknown") (\(self.code.map(String.init) ?? "no code"))"
    }
}

/// Machine-readable reason of a failure (`metav1.StatusReason`).
public struct StatusReason: KubeString {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// 401.
    public static let unauthorized: Self = "Unauthorized"
    /// 403.
    public static let forbidden: Self = "Forbidden"
    /// 404.
    public static let notFound: Self = "NotFound"
    /// 409 on create.
    public static let alreadyExists: Self = "AlreadyExists"
    /// 409: resourceVersion or UID precondition failed.
    public static let conflict: Self = "Conflict"
    /// 410: the resourceVersion is too old.
    public static let gone: Self = "Gone"
    /// 422: validation failed; `details.causes` name the fields.
    public static let invalid: Self = "Invalid"
    /// 504 or 500: the server could not finish in time.
    public static let serverTimeout: Self = "ServerTimeout"
    /// 504: the request timed out.
    public static let timeout: Self = "Timeout"
    /// 429: throttled; `details.retryAfterSeconds` says when to retry.
    public static let tooManyRequests: Self = "TooManyRequests"
    /// 400.
    public static let badRequest: Self = "BadRequest"
    /// 405.
    public static let methodNotAllowed: Self = "MethodNotAllowed"
    /// 406.
    public static let notAcceptable: Self = "NotAcceptable"
    /// 413.
    public static let requestEntityTooLarge: Self = "RequestEntityTooLarge"
    /// 415.
    public static let unsupportedMediaType: Self = "UnsupportedMediaType"
    /// 500.
    public static let internalError: Self = "InternalError"
    /// 410: the content (e.g. a continue token) expired.
    public static let expired: Self = "Expired"
    /// 503.
    public static let serviceUnavailable: Self = "ServiceUnavailable"
}

/// Details of a failure (`metav1.StatusDetails`).
public struct StatusDetails: Codable, Hashable, Sendable {
    /// Name of the object at fault.
    public var name: String?
    /// Group of the object at fault.
    public var group: String?
    /// Kind (or resource) of the object at fault.
    public var kind: String?
    /// UID of the object at fault.
    public var uid: String?
    /// The individual causes, e.g. one per invalid field.
    public var causes: [StatusCause]
    /// Seconds the client should wait before retrying.
    public var retryAfterSeconds: Int32?

    /// Creates a `StatusDetails`; every parameter defaults to unset.
    public init(
        name: String? = nil,
        group: String? = nil,
        kind: String? = nil,
        uid: String? = nil,
        causes: [StatusCause] = [],
        retryAfterSeconds: Int32? = nil
    ) {
        self.name = name
        self.group = group
        self.kind = kind
        self.uid = uid
        self.causes = causes
        self.retryAfterSeconds = retryAfterSeconds
    }

    private enum CodingKeys: String, CodingKey {
        case name, group, kind, uid, causes, retryAfterSeconds
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.value(.name)
        self.group = try container.value(.group)
        self.kind = try container.value(.kind)
        self.uid = try container.value(.uid)
        self.causes = try container.value(.causes, default: [])
        self.retryAfterSeconds = try container.value(.retryAfterSeconds)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.name, forKey: .name)
        try container.encodeIfPresent(self.group, forKey: .group)
        try container.encodeIfPresent(self.kind, forKey: .kind)
        try container.encodeIfPresent(self.uid, forKey: .uid)
        try container.encode(nonEmpty: self.causes, forKey: .causes)
        try container.encodeIfPresent(self.retryAfterSeconds, forKey: .retryAfterSeconds)
    }
}

/// One cause of a failure (`metav1.StatusCause`), e.g. an invalid field.
public struct StatusCause: Codable, Hashable, Sendable {
    /// Machine-readable cause, e.g. `FieldValueInvalid`.
    public var reason: String?
    /// Human-readable description.
    public var message: String?
    /// The field at fault, e.g. `spec.containers[0].image`.
    public var field: String?

    /// Creates a `StatusCause`.
    public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
        self.reason = reason
        self.message = message
        self.field = field
    }
}
