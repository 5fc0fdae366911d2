public import KubeAPI
import Foundation

/// A failed API request: the HTTP status and the server's `Status` (reason, message, details), or the transport
/// or decoding error that stopped it. The description reads like kubectl's:
/// `Error from server (NotFound): pods "web" not found`.
public struct KubeAPIError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, classified like client-go's `errors.ReasonForError`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        /// 400.
        public static let badRequest = Code("BadRequest")
        /// 401.
        public static let unauthorized = Code("Unauthorized")
        /// 403.
        public static let forbidden = Code("Forbidden")
        /// 404.
        public static let notFound = Code("NotFound")
        /// 405.
        public static let methodNotAllowed = Code("MethodNotAllowed")
        /// 409 on create: the object already exists.
        public static let alreadyExists = Code("AlreadyExists")
        /// 409: resourceVersion or UID precondition failed (retry with a fresh read).
        public static let conflict = Code("Conflict")
        /// 410: the resourceVersion is too old (relist).
        public static let gone = Code("Gone")
        /// 410 with reason Expired (e.g. a continue token).
        public static let expired = Code("Expired")
        /// 415.
        public static let unsupportedMediaType = Code("UnsupportedMediaType")
        /// 422: the object is invalid; `status.details.causes` name the fields.
        public static let invalid = Code("Invalid")
        /// 429: throttled; see ``KubeAPIError/retryAfter``.
        public static let tooManyRequests = Code("TooManyRequests")
        /// 500.
        public static let internalError = Code("InternalError")
        /// 503.
        public static let serviceUnavailable = Code("ServiceUnavailable")
        /// 504 or a server-side timeout.
        public static let timeout = Code("Timeout")
        /// Another HTTP status.
        public static let unknown = Code("Unknown")
        /// The request did not get an answer: connection refused, TLS failure, deadline exceeded, reset.
        public static let transport = Code("Transport")
        /// The answer could not be decoded (or the request not encoded).
        public static let decoding = Code("Decoding")
        /// The client's configuration is unusable (credentials file unreadable, bad server URL).
        public static let configuration = Code("Configuration")

        public var description: String { self.rawValue }
    }

    /// The classification.
    public var code: Code
    /// The HTTP status code, when the server answered.
    public var httpStatus: Int?
    /// The server's `Status` object, when it sent one.
    public var status: Status?
    /// How long the server asked us to wait (`Retry-After`, `details.retryAfterSeconds`).
    public var retryAfter: Duration?
    /// The request: `GET https://host/api/v1/nodes/n1`.
    public var request: String
    /// The message: the server's, or one like client-go's for the status code, or the transport error's.
    public var message: String
    /// The underlying error (transport or decoding).
    public var cause: (any Error)?

    /// Creates an error.
    public init(
        code: Code,
        httpStatus: Int? = nil,
        status: Status? = nil,
        retryAfter: Duration? = nil,
        request: String,
        message: String,
        cause: (any Error)? = nil
    ) {
        self.code = code
        self.httpStatus = httpStatus
        self.status = status
        self.retryAfter = retryAfter
        self.request = request
        self.message = message
        self.cause = cause
    }

    /// 404: the object (or the resource) does not exist.
    public var isNotFound: Bool { self.code == .notFound }
    /// 409 AlreadyExists: a create found the name taken.
    public var isAlreadyExists: Bool { self.code == .alreadyExists }
    /// 409 Conflict: the object changed since it was read (retry with ``retryOnConflict(backoff:clock:_:)``).
    public var isConflict: Bool { self.code == .conflict }
    /// 422: the object is invalid.
    public var isInvalid: Bool { self.code == .invalid }
    /// 401.
    public var isUnauthorized: Bool { self.code == .unauthorized }
    /// 403.
    public var isForbidden: Bool { self.code == .forbidden }
    /// 410 Gone (or Expired): the resourceVersion is too old; list again.
    public var isGone: Bool { self.code == .gone || self.code == .expired }
    /// 429.
    public var isTooManyRequests: Bool { self.code == .tooManyRequests }
    /// No answer from the server.
    public var isTransport: Bool { self.code == .transport }
    /// 500, 503, 504 or a server timeout: worth retrying.
    public var isServerError: Bool {
        [.internalError, .serviceUnavailable, .timeout].contains(self.code) || (self.httpStatus ?? 0) >= 500
    }

    /// `Error from server (NotFound): pods "web" not found`, or the request and the transport error.
    public var description: String {
        switch self.code {
        case .transport, .configuration: "\(self.request): \(self.message)"
        case .decoding: "\(self.request): \(self.message)"
        default: "Error from server (\(self.reasonText)): \(self.message)"
        }
    }

    private var reasonText: String {
        if let reason = self.status?.reason, !reason.rawValue.isEmpty { return reason.rawValue }
        return self.code.rawValue
    }
}

extension KubeAPIError {
    /// Classifies an HTTP error answer as client-go does: the Status's reason when the body is a Status, else the
    /// status code with client-go's generic message.
    ///
    /// - Parameters:
    ///   - httpStatus: the response code.
    ///   - body: the response body (a `Status` JSON, or anything).
    ///   - retryAfterHeader: the `Retry-After` header.
    ///   - request: `METHOD URL`, for messages.
    public static func fromResponse(
        httpStatus: Int,
        body: [UInt8],
        retryAfterHeader: String?,
        request: String
    ) -> KubeAPIError {
        let status: Status? = {
            guard let decoded = try? KubeJSON.decoder().decode(Status.self, from: Data(body)),
                decoded.kind == "Status" || decoded.reason != nil || decoded.status != nil
            else { return nil }
            return decoded
        }()
        var retryAfter = retryAfterHeader.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            .map { Duration.seconds($0) }
        if retryAfter == nil, let seconds = status?.details?.retryAfterSeconds, seconds > 0 {
            retryAfter = .seconds(Int(seconds))
        }
        var code = Self.classify(httpStatus: httpStatus, reason: status?.reason)
        if status == nil, httpStatus == 409, request.hasPrefix("POST ") {
            code = .alreadyExists  // client-go: a bare 409 to a create means the name is taken
        }
        var message = status?.message ?? ""
        if message.isEmpty {
            message = Self.genericMessage(httpStatus: httpStatus, body: body)
        }
        return KubeAPIError(
            code: code, httpStatus: httpStatus, status: status, retryAfter: retryAfter, request: request,
            message: message
        )
    }

    static func classify(httpStatus: Int, reason: StatusReason?) -> Code {
        switch reason?.rawValue ?? "" {
        case "Unauthorized": return .unauthorized
        case "Forbidden": return .forbidden
        case "NotFound": return .notFound
        case "AlreadyExists": return .alreadyExists
        case "Conflict": return .conflict
        case "Gone": return .gone
        case "Expired": return .expired
        case "Invalid": return .invalid
        case "TooManyRequests": return .tooManyRequests
        case "BadRequest": return .badRequest
        case "MethodNotAllowed": return .methodNotAllowed
        case "UnsupportedMediaType": return .unsupportedMediaType
        case "InternalError": return .internalError
        case "ServiceUnavailable": return .serviceUnavailable
        case "Timeout", "ServerTimeout": return .timeout
        default: break
        }
        switch httpStatus {
        case 400: return .badRequest
        case 401: return .unauthorized
        case 403: return .forbidden
        case 404: return .notFound
        case 405: return .methodNotAllowed
        case 409: return .conflict
        case 410: return .gone
        case 415: return .unsupportedMediaType
        case 422: return .invalid
        case 429: return .tooManyRequests
        case 500: return .internalError
        case 503: return .serviceUnavailable
        case 504: return .timeout
        default: return .unknown
        }
    }

    /// client-go's `NewGenericServerResponse` messages for answers without a Status: a fixed sentence per code, the
    /// server's text for 403, 406 and 415, and the quoted text for other 5xx.
    static func genericMessage(httpStatus: Int, body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(1024), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        switch httpStatus {
        case 400: return "the server rejected our request for an unknown reason"
        case 401: return "the server has asked for the client to provide credentials"
        case 403, 415: return text.isEmpty ? "the server responded with the status code \(httpStatus)" : text
        case 404: return "the server could not find the requested resource"
        case 405: return "the server does not allow this method on the requested resource"
        case 406:
            return text.isEmpty || text == "unknown"
                ? "the server was unable to respond with a content type that the client supports" : text
        case 409: return "the server reported a conflict"
        case 422: return "the server rejected our request due to an error in our request"
        case 429: return "the server has received too many requests and has asked us to try again later"
        case 503: return "the server is currently unable to handle the request"
        case 504:
            return "the server was unable to return a response in the time allotted, "
                + "but may still be processing the request"
        case 500...:
            return "an error on the server (\"\(text)\") has prevented the request from succeeding"
        default:
            return "the server responded with the status code \(httpStatus) but did not return more information"
        }
    }

    /// A transport failure of `request`.
    static func transport(_ error: any Error, request: String) -> KubeAPIError {
        KubeAPIError(code: .transport, request: request, message: "\(error)", cause: error)
    }

    /// An undecodable answer to `request`.
    static func decoding(_ error: any Error, request: String, what: String) -> KubeAPIError {
        KubeAPIError(code: .decoding, request: request, message: "cannot decode \(what): \(error)", cause: error)
    }
}
