/// A value that is either an integer or a string (`intstr.IntOrString`), e.g. a probe port `8080` or `http`.
public enum IntOrString: Codable, Hashable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// A number.
    case int(Int32)
    /// A name (or a percentage).
    case string(String)

    /// Creates `.int` from an integer literal.
    public init(integerLiteral value: Int32) {
        self = .int(value)
    }

    /// Creates `.string` from a string literal.
    public init(stringLiteral value: String) {
        self = .string(value)
    }

    /// Decodes a JSON number or string (YAML: an unquoted integer is a number).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int32.self) {
            self = .int(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    /// Encodes a number or a string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        }
    }

    /// The number, or the string as written.
    public var description: String {
        switch self {
        case .int(let number): String(number)
        case .string(let text): text
        }
    }
}
