/// A JSON value as the fake API server stores it: objects are kept generically (no typed models), integers stay
/// integers (`resourceVersion` arithmetic, `containerPort`), and output is deterministic (keys sorted).
///
/// Literals build values in tests:
/// ```swift
/// let pod: JSON = ["metadata": ["name": "web", "namespace": "default"], "spec": ["nodeName": "n1"]]
/// pod["metadata"]["name"].string  // "web"
/// ```
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    /// The member `key` of an object, or `.null` when absent or not an object; setting `.null` on an object
    /// stores an explicit null (use ``removeValue(forKey:)`` to drop a key).
    public subscript(key: String) -> JSON {
        get {
            if case .object(let members) = self { return members[key] ?? .null }
            return .null
        }
        set {
            var members: [String: JSON]
            if case .object(let existing) = self { members = existing } else { members = [:] }
            members[key] = newValue
            self = .object(members)
        }
    }

    /// The element at `index` of an array, or `.null`.
    public subscript(index: Int) -> JSON {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return .null
    }

    /// Removes a member of an object.
    public mutating func removeValue(forKey key: String) {
        guard case .object(var members) = self else { return }
        members.removeValue(forKey: key)
        self = .object(members)
    }

    /// The value at a dotted path, e.g. `"spec.nodeName"`.
    public func value(at path: String) -> JSON {
        path.split(separator: ".").reduce(self) { $0[String($1)] }
    }

    public var string: String? { if case .string(let value) = self { return value } else { return nil } }
    public var bool: Bool? { if case .bool(let value) = self { return value } else { return nil } }
    public var int: Int64? {
        switch self {
        case .int(let value): return value
        case .double(let value) where value == value.rounded(): return Int64(exactly: value)
        default: return nil
        }
    }
    public var double: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }
    public var array: [JSON]? { if case .array(let value) = self { return value } else { return nil } }
    public var object: [String: JSON]? { if case .object(let value) = self { return value } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The object's `metadata.name` (empty when unset).
    public var name: String { self["metadata"]["name"].string ?? "" }
    /// The object's `metadata.namespace` (empty when unset).
    public var namespace: String { self["metadata"]["namespace"].string ?? "" }
    /// The object's `metadata.resourceVersion` (empty when unset).
    public var resourceVersion: String { self["metadata"]["resourceVersion"].string ?? "" }
    /// The object's `metadata.uid` (empty when unset).
    public var uid: String { self["metadata"]["uid"].string ?? "" }
}

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSON: CustomStringConvertible {
    /// The compact serialization.
    public var description: String { self.serialized() }
}
