public import Foundation
public import KubeAPI

/// Reads the Service and EndpointSlice manifests of ``ManifestDirectoryServiceSource``.
public enum ServiceManifestDecoding {
    /// What one file holds.
    public struct Decoded: Sendable, Equatable {
        public var services: [Service] = []
        public var slices: [EndpointSlice] = []
        /// One message per rejected document: `path (document n): field: message`.
        public var errors: [String] = []
    }

    private struct TypeMeta: Decodable {
        var apiVersion: String?
        var kind: String?
    }

    /// Decodes every document of a YAML or JSON file (documents separated by `---` lines).
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - source: the file's path, used in errors.
    /// - Returns: the objects, with `metadata.namespace` defaulted to `default`, and the errors of rejected
    ///   documents (the others are kept).
    public static func decode(_ data: Data, source: String) -> Decoded {
        var result = Decoded()
        let documents = Self.split(String(decoding: data, as: UTF8.self))
        for (index, document) in documents.enumerated() {
            let where_ = documents.count > 1 ? "\(source) (document \(index + 1))" : source
            let bytes = Data(document.utf8)
            do {
                let meta = try ManifestDecoding.decode(TypeMeta.self, from: bytes, source: where_)
                switch (meta.apiVersion ?? "", meta.kind ?? "") {
                case ("v1", "Service"):
                    var service = try ManifestDecoding.decode(Service.self, from: bytes, source: where_)
                    if service.metadata.namespace.isEmpty { service.metadata.namespace = "default" }
                    if let problem = Self.problem(name: service.metadata.name) {
                        result.errors.append("\(where_): metadata.name: \(problem)")
                        continue
                    }
                    result.services.append(service)
                case ("discovery.k8s.io/v1", "EndpointSlice"):
                    var slice = try ManifestDecoding.decode(EndpointSlice.self, from: bytes, source: where_)
                    if slice.metadata.namespace.isEmpty { slice.metadata.namespace = "default" }
                    if let problem = Self.problem(name: slice.metadata.name) {
                        result.errors.append("\(where_): metadata.name: \(problem)")
                        continue
                    }
                    result.slices.append(slice)
                case (let apiVersion, let kind):
                    result.errors.append(
                        "\(where_): kind: Unsupported value: \"\(apiVersion) \(kind)\": supported values: "
                            + "\"v1 Service\", \"discovery.k8s.io/v1 EndpointSlice\""
                    )
                }
            } catch {
                result.errors.append("\(error)")
            }
        }
        return result
    }

    static func problem(name: String) -> String? {
        name.isEmpty ? "Required value: name is required" : nil
    }

    /// Splits YAML text at `---` document separators, dropping empty documents.
    static func split(_ text: String) -> [String] {
        var documents: [String] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "---" || line.hasPrefix("--- ") || line == "---\r" {
                documents.append(current.joined(separator: "\n"))
                current = []
            } else {
                current.append(line)
            }
        }
        documents.append(current.joined(separator: "\n"))
        return documents.filter { document in
            document.split(separator: "\n").contains { line in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                return !trimmed.isEmpty && !trimmed.hasPrefix("#")
            }
        }
    }
}
