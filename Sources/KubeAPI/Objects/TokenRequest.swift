public import Foundation

/// A request for a service account token (`authentication.k8s.io/v1 TokenRequest`), created through the
/// `serviceaccounts/<name>/token` subresource; the answer carries the token in `status`.
public struct TokenRequest: Codable, Hashable, Sendable {
    /// `authentication.k8s.io/v1`.
    public var apiVersion: String?
    /// `TokenRequest`.
    public var kind: String?
    /// Object metadata (name and namespace of the service account).
    public var metadata: ObjectMeta
    /// Audiences, lifetime and the object the token is bound to.
    public var spec: TokenRequestSpec
    /// The issued token.
    public var status: TokenRequestStatus?

    /// The group version of token requests.
    public static let apiVersion = "authentication.k8s.io/v1"

    /// Creates a `TokenRequest`; `apiVersion` and `kind` are filled in.
    public init(
        apiVersion: String? = TokenRequest.apiVersion,
        kind: String? = "TokenRequest",
        metadata: ObjectMeta = ObjectMeta(),
        spec: TokenRequestSpec = TokenRequestSpec(),
        status: TokenRequestStatus? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec, status
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.apiVersion = try container.value(.apiVersion)
        self.kind = try container.value(.kind)
        self.metadata = try container.value(.metadata, default: ObjectMeta())
        self.spec = try container.value(.spec, default: TokenRequestSpec())
        self.status = try container.value(.status)
    }
}

/// What token is asked for (`authentication.k8s.io/v1 TokenRequestSpec`).
public struct TokenRequestSpec: Codable, Hashable, Sendable {
    /// Intended audiences; empty means the API server's.
    public var audiences: [String]
    /// Requested lifetime in seconds (the server may shorten it; minimum 600).
    public var expirationSeconds: Int64?
    /// The object (usually the pod) the token is bound to; deleting it invalidates the token.
    public var boundObjectRef: BoundObjectReference?

    /// Creates a `TokenRequestSpec`.
    public init(
        audiences: [String] = [],
        expirationSeconds: Int64? = nil,
        boundObjectRef: BoundObjectReference? = nil
    ) {
        self.audiences = audiences
        self.expirationSeconds = expirationSeconds
        self.boundObjectRef = boundObjectRef
    }

    private enum CodingKeys: String, CodingKey {
        case audiences, expirationSeconds, boundObjectRef
    }

    /// Decodes the object; missing audiences are empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.audiences = try container.value(.audiences, default: [])
        self.expirationSeconds = try container.value(.expirationSeconds)
        self.boundObjectRef = try container.value(.boundObjectRef)
    }
}

/// The object a token is bound to (`authentication.k8s.io/v1 BoundObjectReference`).
public struct BoundObjectReference: Codable, Hashable, Sendable {
    /// `Pod` or `Secret` (or `Node`).
    public var kind: String?
    /// API version of the referent.
    public var apiVersion: String?
    /// Name of the referent.
    public var name: String?
    /// UID of the referent.
    public var uid: String?

    /// Creates a `BoundObjectReference`.
    public init(kind: String? = nil, apiVersion: String? = nil, name: String? = nil, uid: String? = nil) {
        self.kind = kind
        self.apiVersion = apiVersion
        self.name = name
        self.uid = uid
    }
}

/// The issued token (`authentication.k8s.io/v1 TokenRequestStatus`).
public struct TokenRequestStatus: Codable, Hashable, Sendable {
    /// The opaque bearer token.
    public var token: String
    /// When the token expires.
    public var expirationTimestamp: Date?

    /// Creates a `TokenRequestStatus`.
    public init(token: String, expirationTimestamp: Date? = nil) {
        self.token = token
        self.expirationTimestamp = expirationTimestamp
    }

    private enum CodingKeys: String, CodingKey {
        case token, expirationTimestamp
    }

    /// Decodes the object; a missing token is empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.token = try container.value(.token, default: "")
        self.expirationTimestamp = try container.value(.expirationTimestamp)
    }
}

extension APIResource {
    /// `serviceaccounts` in core/v1, namespaced; TokenRequests are created on its `token` subresource.
    public static let serviceAccounts = APIResource(kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true)
}
