import Foundation

/// A parsed `labelSelector` (k8s.io/apimachinery/pkg/labels): `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
/// `a` (exists) and `!a` (does not exist), comma-separated and ANDed.
public struct LabelSelector: Sendable, Equatable {
    public enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case inSet(String, [String])
        case notIn(String, [String])
        case exists(String)
        case doesNotExist(String)
    }

    public var requirements: [Requirement]

    /// Parses a selector string; an empty string selects everything.
    /// - Throws: ``APIStatusError`` 400 naming the selector at fault.
    public init(parsing text: String) throws {
        self.requirements = []
        for term in Self.splitTerms(text) {
            let term = term.trimmingSpaces()
            if term.isEmpty { continue }
            self.requirements.append(try Self.parseTerm(term, whole: text))
        }
    }

    /// Whether `labels` (an object's `metadata.labels`) satisfy every requirement.
    public func matches(_ labels: JSON) -> Bool {
        self.requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): return labels[key].string == value
            case .notEquals(let key, let value): return labels[key].string != value
            case .inSet(let key, let values): return labels[key].string.map(values.contains) ?? false
            case .notIn(let key, let values): return !(labels[key].string.map(values.contains) ?? false)
            case .exists(let key): return labels[key].string != nil
            case .doesNotExist(let key): return labels[key].string == nil
            }
        }
    }

    /// Splits on commas outside parentheses.
    static func splitTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")": depth -= 1; current.append(character)
            case "," where depth == 0: terms.append(current); current = ""
            default: current.append(character)
            }
        }
        terms.append(current)
        return terms
    }

    static func parseTerm(_ term: String, whole: String) throws -> Requirement {
        let invalid = APIStatusError.badRequest("unable to parse requirement: found '\(term)' in label selector \"\(whole)\"")
        if term.hasPrefix("!") {
            let key = String(term.dropFirst()).trimmingSpaces()
            guard Self.isKey(key) else { throw invalid }
            return .doesNotExist(key)
        }
        for (op, make) in [("!=", Requirement.notEquals), ("==", Requirement.equals), ("=", Requirement.equals)] {
            if let range = term.range(of: op) {
                let key = String(term[..<range.lowerBound]).trimmingSpaces()
                let value = String(term[range.upperBound...]).trimmingSpaces()
                guard Self.isKey(key) else { throw invalid }
                return make(key, value)
            }
        }
        let words = term.split(separator: " ", maxSplits: 1).map(String.init)
        if words.count == 2 {
            let rest = words[1].trimmingSpaces()
            for (op, isIn) in [("notin", false), ("in", true)] where rest.hasPrefix(op) {
                let list = rest.dropFirst(op.count).trimmingSpaces()
                guard list.hasPrefix("("), list.hasSuffix(")") else { throw invalid }
                let values = list.dropFirst().dropLast().split(separator: ",").map { String($0).trimmingSpaces() }
                return isIn ? .inSet(words[0], values) : .notIn(words[0], values)
            }
            throw invalid
        }
        guard Self.isKey(term) else { throw invalid }
        return .exists(term)
    }

    static func isKey(_ key: String) -> Bool {
        !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
    }
}

/// A parsed `fieldSelector`: `field=value`, `field==value`, `field!=value`, ANDed; fields are checked against the
/// resource's supported labels as upstream does (`metadata.name`, `metadata.namespace`, plus per-resource ones).
public struct FieldSelector: Sendable, Equatable {
    public struct Requirement: Sendable, Equatable {
        public var field: String
        /// The JSON path the field reads.
        public var path: String
        public var value: String
        public var negated: Bool
    }

    public var requirements: [Requirement]

    /// Parses a selector for `resource`.
    /// - Throws: ``APIStatusError`` 400 `field label not supported: x` or a parse error.
    public init(parsing text: String, for resource: APIResource) throws {
        self.requirements = []
        for term in text.split(separator: ",") {
            let term = String(term).trimmingSpaces()
            if term.isEmpty { continue }
            var parsed: (String, String, Bool)?
            for (op, negated) in [("!=", true), ("==", false), ("=", false)] {
                if let range = term.range(of: op) {
                    parsed = (String(term[..<range.lowerBound]), String(term[range.upperBound...]), negated)
                    break
                }
            }
            guard let (field, value, negated) = parsed else {
                throw APIStatusError.badRequest("invalid selector: '\(text)'; can't understand '\(term)'")
            }
            let path: String
            switch field {
            case "metadata.name", "metadata.namespace": path = field
            default:
                guard let mapped = resource.fieldLabels[field] else {
                    throw APIStatusError.badRequest("field label not supported: \(field)")
                }
                path = mapped
            }
            self.requirements.append(Requirement(field: field, path: path, value: value, negated: negated))
        }
    }

    /// Whether `object` satisfies every requirement; a missing field reads as the empty string (booleans as
    /// `true`/`false`), as upstream's field sets do.
    public func matches(_ object: JSON) -> Bool {
        self.requirements.allSatisfy { requirement in
            let actual: String
            switch object.value(at: requirement.path) {
            case .string(let value): actual = value
            case .bool(let value): actual = value ? "true" : "false"
            case .int(let value): actual = String(value)
            default: actual = requirement.path == "spec.hostNetwork" || requirement.path == "spec.unschedulable" ? "false" : ""
            }
            return (actual == requirement.value) != requirement.negated
        }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
