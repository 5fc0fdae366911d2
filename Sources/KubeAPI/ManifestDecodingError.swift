/// A Kubernetes object that could not be read: names the source (file or URL), the field and, for YAML, the line.
///
/// `description` reads like
/// `/etc/kubernetes/manifests/web.yaml: line 12, column 24: spec.containers[0].ports[0].containerPort: expected an
/// integer, got "http"`, or for validation
/// `…/web.yaml: invalid pod: spec.containers[1].name: Duplicate value: "web"`.
public struct ManifestDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file path or URL the bytes came from.
    public var source: String
    /// The field at fault, when one is known.
    public var field: FieldPath?
    /// 1-based line in the source, when known.
    public var line: Int?
    /// 1-based column in the source, when known.
    public var column: Int?
    /// What is wrong.
    public var message: String
    /// The validation errors, when the object decoded but is invalid.
    public var fieldErrors: [FieldError]

    /// Creates an error.
    public init(
        source: String,
        field: FieldPath? = nil,
        line: Int? = nil,
        column: Int? = nil,
        message: String,
        fieldErrors: [FieldError] = []
    ) {
        self.source = source
        self.field = field
        self.line = line
        self.column = column
        self.message = message
        self.fieldErrors = fieldErrors
    }

    /// The message without the source: `line 12, column 24: spec.containers[0].image: Required value`.
    public var reason: String {
        var text = ""
        if let line = self.line {
            text += "line \(line)"
            if let column = self.column { text += ", column \(column)" }
            text += ": "
        }
        if let field = self.field { text += "\(field): " }
        return text + self.message
    }

    /// `source: reason`.
    public var description: String {
        "\(self.source): \(self.reason)"
    }
}
