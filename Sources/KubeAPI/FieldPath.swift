/// The path of a field inside an object, rendered the way upstream's `field.Path` does:
/// `spec.containers[0].ports[0].containerPort`, `metadata.labels[app]`.
public struct FieldPath: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// One step of a path.
    public enum Component: Hashable, Sendable {
        /// A field of an object: `.name`.
        case field(String)
        /// An element of a list: `[0]`.
        case index(Int)
        /// A key of a map: `[app]`.
        case key(String)
    }

    /// The steps from the root.
    public var components: [Component]

    /// Creates a path from its steps.
    public init(components: [Component] = []) {
        self.components = components
    }

    /// Creates a path of dot-separated field names (no indices): `"spec.containers"`.
    public init(stringLiteral value: String) {
        self.components = value.split(separator: ".").map { .field(String($0)) }
    }

    /// The path of a child field.
    public func child(_ names: String...) -> FieldPath {
        FieldPath(components: self.components + names.map { .field($0) })
    }

    /// The path of a list element.
    public func index(_ index: Int) -> FieldPath {
        FieldPath(components: self.components + [.index(index)])
    }

    /// The path of a map entry.
    public func key(_ key: String) -> FieldPath {
        FieldPath(components: self.components + [.key(key)])
    }

    /// `spec.containers[0].name`; `<root>` for the empty path.
    public var description: String {
        var text = ""
        for component in self.components {
            switch component {
            case .field(let name): text += text.isEmpty ? name : "." + name
            case .index(let index): text += "[\(index)]"
            case .key(let key): text += "[\(key)]"
            }
        }
        return text.isEmpty ? "<root>" : text
    }

    /// The path a decoder reports (`DecodingError.Context.codingPath`).
    public init(codingPath: [any CodingKey]) {
        self.components = codingPath.map { key in
            if let index = key.intValue { return .index(index) }
            return .field(key.stringValue)
        }
    }
}
