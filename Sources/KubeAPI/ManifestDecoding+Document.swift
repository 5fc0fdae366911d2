import Foundation
import Yams

extension ManifestDecoding {
    /// One parsed document: a YAML node tree (with line marks), or JSON that only Foundation could read.
    enum Document {
        case yaml(Yams.Node)
        case json(Data, [String: Any])

        func topLevelString(_ key: String) -> String? {
            switch self {
            case .yaml(let node): node[key]?.string
            case .json(_, let object): object[key] as? String
            }
        }

        /// The line and column of the deepest node along `path` that exists.
        func mark(of path: FieldPath) -> Mark? {
            guard case .yaml(var node) = self else { return nil }
            var mark = node.mark
            for component in path.components {
                let next: Yams.Node?
                switch component {
                case .field(let name), .key(let name):
                    next = node.mapping.flatMap { mapping in mapping.first { $0.key.string == name }?.value }
                case .index(let index):
                    next = node.sequence.flatMap { index < $0.count ? $0[index] : nil }
                }
                guard let next else { break }
                node = next
                mark = next.mark ?? mark
            }
            return mark
        }

        func error(for path: FieldPath, source: String, message: String) -> ManifestDecodingError {
            let mark = self.mark(of: path)
            return ManifestDecodingError(
                source: source, field: path.components.isEmpty ? nil : path, line: mark?.line, column: mark?.column,
                message: message
            )
        }

        func decode<T: Decodable>(_ type: T.Type, source: String) throws(ManifestDecodingError) -> T {
            do {
                switch self {
                case .yaml(let node): return try YAMLDecoder().decode(type, from: node)
                case .json(let data, _): return try KubeJSON.decoder().decode(type, from: data)
                }
            } catch let error as DecodingError {
                throw self.describe(error, source: source)
            } catch {
                throw ManifestDecodingError(source: source, message: "\(error)")
            }
        }

        func describe(_ error: DecodingError, source: String) -> ManifestDecodingError {
            switch error {
            case .typeMismatch(let type, let context):
                let path = FieldPath(codingPath: context.codingPath)
                let got = self.valueDescription(at: path)
                return self.error(for: path, source: source, message: "expected \(Self.friendly(type)), got \(got)")
            case .valueNotFound(let type, let context):
                let path = FieldPath(codingPath: context.codingPath)
                return self.error(for: path, source: source, message: "expected \(Self.friendly(type)), got null")
            case .keyNotFound(let key, let context):
                let path = FieldPath(codingPath: context.codingPath + [key])
                return self.error(for: path, source: source, message: "Required value")
            case .dataCorrupted(let context):
                let path = FieldPath(codingPath: context.codingPath)
                return self.error(for: path, source: source, message: context.debugDescription)
            @unknown default:
                return ManifestDecodingError(source: source, message: "\(error)")
            }
        }

        /// The value found at `path`, for "got ..." in messages.
        func valueDescription(at path: FieldPath) -> String {
            switch self {
            case .yaml(var node):
                for component in path.components {
                    switch component {
                    case .field(let name), .key(let name):
                        guard let next = node[name] else { return "nothing" }
                        node = next
                    case .index(let index):
                        guard let sequence = node.sequence, index < sequence.count else { return "nothing" }
                        node = sequence[index]
                    }
                }
                switch node {
                case .scalar(let scalar): return FieldError.quoted(scalar.string)
                case .mapping: return "a mapping"
                case .sequence: return "a list"
                case .alias: return "an alias"
                }
            case .json(_, let object):
                var value: Any = object
                for component in path.components {
                    switch component {
                    case .field(let name), .key(let name):
                        guard let next = (value as? [String: Any])?[name] else { return "nothing" }
                        value = next
                    case .index(let index):
                        guard let array = value as? [Any], index < array.count else { return "nothing" }
                        value = array[index]
                    }
                }
                if let string = value as? String { return FieldError.quoted(string) }
                if value is [String: Any] { return "an object" }
                if value is [Any] { return "a list" }
                return "\(value)"
            }
        }

        static func friendly(_ type: Any.Type) -> String {
            switch String(describing: type) {
            case "Int", "Int32", "Int64", "UInt32", "UInt64": "an integer"
            case "Double", "Float": "a number"
            case "Bool": "a boolean (true or false)"
            case "String": "a string"
            case "Mapping", "Dictionary<String, Any>": "a mapping"
            case "Sequence", "Array<Any>": "a list"
            case "Scalar": "a single value"
            case let name where name.hasPrefix("Array"): "a list"
            case let name where name.hasPrefix("Dictionary"): "a mapping"
            case let name: "a \(name) value"
            }
        }
    }
}
