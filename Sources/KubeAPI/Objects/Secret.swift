public import Foundation

/// A Secret (`core/v1 Secret`): confidential key-value data, read by the agent for `secret` volumes,
/// projected `secret` sources, `secretKeyRef` and `envFrom.secretRef`.
///
/// `data` is base64 in JSON and decoded to bytes here. `stringData` is write-only on the API server (it merges
/// it into `data`); an object decoded with `stringData` (a manifest, a fake server) has it merged the same way,
/// `stringData` winning.
public struct Secret: KubeResource, Hashable {
    /// `v1`.
    public var apiVersion: String?
    /// `Secret`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta
    /// Values by key (base64 on the wire).
    public var data: [String: Data]
    /// Write-only plain-text values; merged into ``data`` when decoded.
    public var stringData: [String: String]
    /// `Opaque`, `kubernetes.io/tls`, `kubernetes.io/service-account-token`, ...
    public var type: String?
    /// Whether the data can no longer change.
    public var immutable: Bool?

    /// `secrets` in core/v1, namespaced.
    public static let resource = APIResource(kind: "Secret", plural: "secrets", namespaced: true)

    /// Creates a `Secret`; every parameter defaults to unset.
    public init(
        apiVersion: String? = nil,
        kind: String? = nil,
        metadata: ObjectMeta = ObjectMeta(),
        data: [String: Data] = [:],
        stringData: [String: String] = [:],
        type: String? = nil,
        immutable: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.data = data
        self.stringData = stringData
        self.type = type
        self.immutable = immutable
    }

    /// Creates a Secret from text values (stored as their UTF-8 bytes in ``data``).
    ///
    /// - Parameters:
    ///   - metadata: object metadata.
    ///   - strings: values by key.
    ///   - type: the secret type.
    public init(metadata: ObjectMeta, strings: [String: String], type: String? = nil) {
        self.init(metadata: metadata, data: strings.mapValues { Data($0.utf8) }, type: type)
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, data, stringData, type, immutable
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    ///
    /// - Throws: `DecodingError.dataCorrupted` naming the `data` key whose value is not base64.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.apiVersion = try container.value(.apiVersion)
        self.kind = try container.value(.kind)
        self.metadata = try container.value(.metadata, default: ObjectMeta())
        let encoded: [String: String] = try container.value(.data, default: [:])
        self.data = try Base64Field.decode(encoded, field: .data, in: container)
        self.stringData = try container.value(.stringData, default: [:])
        for (key, value) in self.stringData { self.data[key] = Data(value.utf8) }
        self.type = try container.value(.type)
        self.immutable = try container.value(.immutable)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does (`data` as base64).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(self.kind, forKey: .kind)
        try container.encode(self.metadata, forKey: .metadata)
        if !self.data.isEmpty {
            try container.encode(self.data.mapValues { $0.base64EncodedString() }, forKey: .data)
        }
        if !self.stringData.isEmpty { try container.encode(self.stringData, forKey: .stringData) }
        try container.encodeIfPresent(self.type, forKey: .type)
        try container.encodeIfPresent(self.immutable, forKey: .immutable)
    }
}
