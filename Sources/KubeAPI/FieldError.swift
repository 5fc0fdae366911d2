/// One validation error, rendered like upstream's `field.Error`:
/// `spec.containers[1].name: Duplicate value: "web"`.
public struct FieldError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of error, with upstream's wording.
    public enum Kind: String, Hashable, Sendable {
        case required = "Required value"
        case invalid = "Invalid value"
        case duplicate = "Duplicate value"
        case notSupported = "Unsupported value"
        case forbidden = "Forbidden"
        case notFound = "Not found"
        case tooLong = "Too long"
        case tooMany = "Too many"
    }

    /// The class of error.
    public var kind: Kind
    /// The field at fault.
    public var field: FieldPath
    /// The offending value as upstream prints it (strings quoted), or nil.
    public var badValue: String?
    /// What is wrong, or what would be right.
    public var detail: String

    /// Creates an error.
    public init(_ kind: Kind, _ field: FieldPath, badValue: String? = nil, detail: String = "") {
        self.kind = kind
        self.field = field
        self.badValue = badValue
        self.detail = detail
    }

    /// `field: Kind[: value][: detail]`.
    public var description: String {
        var text = "\(self.field): \(self.kind.rawValue)"
        if let badValue = self.badValue { text += ": " + badValue }
        if !self.detail.isEmpty { text += ": " + self.detail }
        return text
    }

    /// A required field is missing or empty.
    public static func required(_ field: FieldPath, _ detail: String = "") -> FieldError {
        FieldError(.required, field, detail: detail)
    }

    /// A string value is invalid.
    public static func invalid(_ field: FieldPath, _ value: String, _ detail: String) -> FieldError {
        FieldError(.invalid, field, badValue: quoted(value), detail: detail)
    }

    /// A numeric value is invalid.
    public static func invalid(_ field: FieldPath, _ value: some BinaryInteger, _ detail: String) -> FieldError {
        FieldError(.invalid, field, badValue: String(value), detail: detail)
    }

    /// A value appears twice where it must be unique.
    public static func duplicate(_ field: FieldPath, _ value: String) -> FieldError {
        FieldError(.duplicate, field, badValue: quoted(value))
    }

    /// A value is not one of the supported ones.
    public static func notSupported(_ field: FieldPath, _ value: String, supported: [String]) -> FieldError {
        let list = supported.sorted().map(quoted).joined(separator: ", ")
        return FieldError(.notSupported, field, badValue: quoted(value), detail: "supported values: " + list)
    }

    /// A field must not be set (here).
    public static func forbidden(_ field: FieldPath, _ detail: String) -> FieldError {
        FieldError(.forbidden, field, detail: detail)
    }

    /// A reference names something that does not exist.
    public static func notFound(_ field: FieldPath, _ value: String) -> FieldError {
        FieldError(.notFound, field, badValue: quoted(value))
    }

    /// Go's `%q` for the common cases.
    static func quoted(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\t": text += "\\t"
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}
