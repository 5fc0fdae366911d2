public import Foundation

/// A ConfigMap (`core/v1 ConfigMap`): non-confidential key-value data for pods, read by the agent for
/// `configMap` volumes, projected `configMap` sources, `configMapKeyRef` and `envFrom.configMapRef`.
///
/// `binaryData` is base64 in JSON, as the API server sends it, and decoded to bytes here.
public struct ConfigMap: KubeResource, Hashable {
    /// `v1`.
    public var apiVersion: String?
    /// `ConfigMap`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta
    /// UTF-8 values by key.
    public var data: [String: String]
    /// Binary values by key (base64 on the wire); a key is in `data` or `binaryData`, never both.
    public var binaryData: [String: Data]
    /// Whether the data can no longer change (the agent may then stop watching it).
    public var immutable: Bool?

    /// `configmaps` in core/v1, namespaced.
    public static let resource = APIResource(kind: "ConfigMap", plural: "configmaps", namespaced: true)

    /// Creates a `ConfigMap`; every parameter defaults to unset.
    public init(
        apiVersion: String? = nil,
        kind: String? = nil,
        metadata: ObjectMeta = ObjectMeta(),
        data: [String: String] = [:],
        binaryData: [String: Data] = [:],
        immutable: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.data = data
        self.binaryData = binaryData
        self.immutable = immutable
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, data, binaryData, immutable
    }

    /// Decodes the object; a missing field takes the zero value Kubernetes gives it.
    ///
    /// - Throws: `DecodingError.dataCorrupted` naming the `binaryData` key whose value is not base64.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.apiVersion = try container.value(.apiVersion)
        self.kind = try container.value(.kind)
        self.metadata = try container.value(.metadata, default: ObjectMeta())
        self.data = try container.value(.data, default: [:])
        let encoded: [String: String] = try container.value(.binaryData, default: [:])
        self.binaryData = try Base64Field.decode(encoded, field: .binaryData, in: container)
        self.immutable = try container.value(.immutable)
    }

    /// Encodes the object, leaving out unset and empty fields as Kubernetes does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(self.kind, forKey: .kind)
        try container.encode(self.metadata, forKey: .metadata)
        if !self.data.isEmpty { try container.encode(self.data, forKey: .data) }
        if !self.binaryData.isEmpty {
            try container.encode(self.binaryData.mapValues { $0.base64EncodedString() }, forKey: .binaryData)
        }
        try container.encodeIfPresent(self.immutable, forKey: .immutable)
    }
}

/// Decoding of `map[string][]byte` fields, which Kubernetes sends as base64 strings.
enum Base64Field {
    static func decode<Key: CodingKey>(
        _ encoded: [String: String],
        field: Key,
        in container: KeyedDecodingContainer<Key>
    ) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for (key, value) in encoded {
            guard let bytes = Data(base64Encoded: value) else {
                throw DecodingError.dataCorruptedError(
                    forKey: field,
                    in: container,
                    debugDescription: "\(field.stringValue)[\(key)]: illegal base64 data"
                )
            }
            result[key] = bytes
        }
        return result
    }
}
