public import Foundation
import Yams

/// Reads Kubernetes objects from YAML or JSON bytes (JSON is YAML), with errors that name the source, the field path
/// and the line.
///
/// ```swift
/// let pod = try ManifestDecoding.decodePod(data, source: "/etc/kubernetes/manifests/web.yaml")
/// ```
public enum ManifestDecoding {
    /// Decodes exactly one `v1 Pod` (a static pod manifest) and validates it.
    /// - Parameters:
    ///   - data: the file's bytes, YAML or JSON.
    ///   - source: the file path or URL, used in errors.
    ///   - validate: run ``PodValidation`` (default true).
    /// - Returns: the pod as written (no defaults applied).
    /// - Throws: ``ManifestDecodingError`` for syntax errors, more than one document, wrong `apiVersion`/`kind`,
    ///   a field of the wrong type, or failed validation.
    public static func decodePod(_ data: Data, source: String, validate: Bool = true) throws(ManifestDecodingError)
        -> Pod
    {
        let document = try Self.singleDocument(data, source: source)
        try Self.checkType(document, source: source, accepted: [("v1", "Pod")])
        let pod = try document.decode(Pod.self, source: source)
        if validate { try Self.throwIfInvalid(pod, document: document, source: source) }
        return pod
    }

    /// Decodes a `v1 Pod` or a `v1 PodList` (what the manifest URL may serve) and validates every pod.
    /// - Parameters:
    ///   - data: the bytes, YAML or JSON.
    ///   - source: the URL or path, used in errors.
    /// - Returns: the pods in document order.
    /// - Throws: ``ManifestDecodingError`` as ``decodePod(_:source:validate:)``; for a list, the field paths start
    ///   with `items[i]`.
    public static func decodePods(_ data: Data, source: String) throws(ManifestDecodingError) -> [Pod] {
        let document = try Self.singleDocument(data, source: source)
        let kind = try Self.checkType(document, source: source, accepted: [("v1", "Pod"), ("v1", "PodList")])
        if kind == "Pod" {
            let pod = try document.decode(Pod.self, source: source)
            try Self.throwIfInvalid(pod, document: document, source: source)
            return [pod]
        }
        let list = try document.decode(PodList.self, source: source)
        var errors: [FieldError] = []
        for (index, pod) in list.items.enumerated() {
            let prefix = FieldPath(components: [.field("items"), .index(index)])
            errors += PodValidation.validate(pod).map { error in
                var error = error
                error.field = FieldPath(components: prefix.components + error.field.components)
                return error
            }
        }
        if !errors.isEmpty {
            throw Self.validationError(errors, document: document, source: source, what: "invalid pod list")
        }
        return list.items
    }

    /// Decodes one object of the given type from a single YAML or JSON document, without checking its type meta.
    /// - Throws: ``ManifestDecodingError`` naming the source, field and line.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, source: String)
        throws(ManifestDecodingError) -> T
    {
        try Self.singleDocument(data, source: source).decode(type, source: source)
    }

    /// Reads the `apiVersion` and `kind` of a single document and checks them against the accepted pairs.
    /// - Returns: the kind.
    @discardableResult
    static func checkType(_ document: Document, source: String, accepted: [(String, String)])
        throws(ManifestDecodingError) -> String
    {
        let apiVersion = document.topLevelString("apiVersion") ?? ""
        let kind = document.topLevelString("kind") ?? ""
        if kind.isEmpty {
            throw ManifestDecodingError(
                source: source, field: "kind", message: "Required value: Object 'Kind' is missing"
            )
        }
        let kinds = accepted.map(\.1)
        guard kinds.contains(kind) else {
            let error = FieldError.notSupported("kind", kind, supported: kinds)
            throw document.error(for: error.field, source: source, message: Self.body(of: error))
        }
        let versions = accepted.filter { $0.1 == kind }.map(\.0)
        guard versions.contains(apiVersion) else {
            let error: FieldError = apiVersion.isEmpty
                ? .required("apiVersion", "Object 'apiVersion' is missing")
                : .notSupported("apiVersion", apiVersion, supported: versions)
            throw document.error(for: error.field, source: source, message: Self.body(of: error))
        }
        return kind
    }

    static func throwIfInvalid(_ pod: Pod, document: Document, source: String) throws(ManifestDecodingError) {
        let errors = PodValidation.validate(pod)
        if !errors.isEmpty {
            throw Self.validationError(errors, document: document, source: source, what: "invalid pod")
        }
    }

    static func validationError(_ errors: [FieldError], document: Document, source: String, what: String)
        -> ManifestDecodingError
    {
        let mark = document.mark(of: errors[0].field)
        return ManifestDecodingError(
            source: source,
            line: mark?.line,
            column: mark?.column,
            message: what + ": " + errors.map(\.description).joined(separator: "; "),
            fieldErrors: errors
        )
    }

    /// A field error's text without its path.
    static func body(of error: FieldError) -> String {
        var copy = error
        copy.field = FieldPath()
        return String(copy.description.dropFirst("<root>: ".count))
    }

    /// Parses bytes holding exactly one YAML (or JSON) document.
    static func singleDocument(_ data: Data, source: String) throws(ManifestDecodingError) -> Document {
        guard var text = String(data: data, encoding: .utf8) else {
            throw ManifestDecodingError(source: source, message: "not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        do {
            var documents: [Yams.Node] = []
            var sequence = try Yams.compose_all(yaml: text)
            while let node = sequence.next() {
                documents.append(node)
            }
            if let error = sequence.error { throw error }
            documents.removeAll { node in
                if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.tag.description.hasSuffix("null") {
                    return true
                }
                return false
            }
            guard !documents.isEmpty else {
                throw ManifestDecodingError(source: source, message: "empty document: expected one object")
            }
            guard documents.count == 1 else {
                throw ManifestDecodingError(
                    source: source,
                    line: documents[1].mark?.line,
                    message: "holds \(documents.count) documents; a manifest holds exactly one object"
                )
            }
            guard case .mapping = documents[0] else {
                throw ManifestDecodingError(
                    source: source, line: documents[0].mark?.line, message: "expected an object (a mapping)"
                )
            }
            return .yaml(documents[0])
        } catch let error as ManifestDecodingError {
            throw error
        } catch let error as YamlError {
            if text.drop(while: \.isWhitespace).first == "{" { return try Self.jsonDocument(data, source: source) }
            throw Self.syntaxError(error, source: source)
        } catch {
            throw ManifestDecodingError(source: source, message: "\(error)")
        }
    }

    static func jsonDocument(_ data: Data, source: String) throws(ManifestDecodingError) -> Document {
        do {
            let object = try JSONSerialization.jsonObject(with: data)
            guard object is [String: Any] else {
                throw ManifestDecodingError(source: source, message: "expected a JSON object")
            }
            return .json(data, object as? [String: Any] ?? [:])
        } catch let error as ManifestDecodingError {
            throw error
        } catch {
            throw ManifestDecodingError(source: source, message: "invalid JSON: \(error.localizedDescription)")
        }
    }

    static func syntaxError(_ error: YamlError, source: String) -> ManifestDecodingError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { $0.text + ": " } ?? ""
            return ManifestDecodingError(
                source: source, line: mark.line, column: mark.column, message: "invalid YAML: " + prefix + problem
            )
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ManifestDecodingError(
                source: source, line: context.mark.line, column: context.mark.column,
                message: "invalid YAML: duplicate key(s) " + duplicates.sorted().joined(separator: ", ")
            )
        default:
            return ManifestDecodingError(source: source, message: "invalid YAML: \(error)")
        }
    }
}
