import AgentCore

/// A duration written as a Go duration string (`metav1.Duration`): `20s`, `1m30s`, `300ms`.
/// Keeps the text for encoding; a text that is not a Go duration fails to decode, naming the text.
public struct GoDurationValue: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The text as written.
    public let string: String
    /// The parsed duration.
    public let duration: Duration

    /// Parses a Go duration string.
    /// - Returns: nil when `string` is not a Go duration.
    public init?(_ string: String) {
        guard let duration = GoDuration.parse(string) else { return nil }
        self.string = string
        self.duration = duration
    }

    /// Decodes from a string.
    /// - Throws: `DecodingError.dataCorrupted` naming the text when it is not a Go duration.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = GoDurationValue(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "invalid duration \"\(text)\": expected a Go duration like 20s or 1m30s"
            )
        }
        self = value
    }

    /// Encodes the text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.string)
    }

    /// The text as written.
    public var description: String { self.string }
}
