public import Foundation
public import KubeAPI

/// Turns decoded manifests into a ``PodSourceSnapshot`` (pure): applies static-pod identity, keeps the first-seen
/// time of each UID across calls, and reports duplicate pods (the first manifest in path order wins, as upstream).
///
/// ```swift
/// var set = StaticPodSet(nodeName: "node-1", source: .file)
/// let snapshot = set.snapshot(of: [.init(location: "/m/web.yaml", result: .success([pod]))], now: Date())
/// ```
public struct StaticPodSet: Sendable {
    /// One manifest's outcome: the pods it holds (a file holds one, a URL may hold a list) or why it holds none.
    public struct Manifest: Sendable {
        /// The file path or URL.
        public var location: String
        /// The decoded, validated pods, or the error.
        public var result: Result<[Pod], ManifestError>

        /// Creates a manifest outcome.
        public init(location: String, result: Result<[Pod], ManifestError>) {
            self.location = location
            self.result = result
        }
    }

    /// This node's name.
    public let nodeName: String
    /// The source kind the pods are annotated with.
    public let source: PodSourceKind
    private var firstSeen: [String: Date] = [:]

    /// Creates an empty set.
    public init(nodeName: String, source: PodSourceKind) {
        self.nodeName = nodeName
        self.source = source
    }

    /// The snapshot for the given manifests.
    /// - Parameters:
    ///   - manifests: every manifest the source holds now, in any order (sorted here by location).
    ///   - now: the time to record for UIDs seen for the first time.
    /// - Returns: the pods sorted by namespace and name, and the errors sorted by location.
    public mutating func snapshot(of manifests: [Manifest], now: Date) -> PodSourceSnapshot {
        var pods: [Pod] = []
        var errors: [ManifestError] = []
        var owners: [String: String] = [:]
        var seen: [String: Date] = [:]
        for manifest in manifests.sorted(by: { $0.location < $1.location }) {
            switch manifest.result {
            case .failure(let error):
                errors.append(error)
            case .success(let decoded):
                for pod in decoded {
                    let uid = StaticPodIdentity.uid(
                        of: pod, nodeName: self.nodeName, source: self.source, location: manifest.location
                    )
                    let firstSeen = self.firstSeen[uid] ?? seen[uid] ?? now
                    let defaulted = StaticPodIdentity.applyDefaults(
                        to: pod, nodeName: self.nodeName, source: self.source, location: manifest.location,
                        seen: firstSeen
                    )
                    let nameProblems = NameValidation.dns1123Subdomain(defaulted.metadata.name)
                    if !nameProblems.isEmpty {
                        let error = FieldError.invalid("metadata.name", defaulted.metadata.name, nameProblems[0])
                        errors.append(ManifestError(path: manifest.location, message: "invalid pod: \(error)"))
                        continue
                    }
                    let key = "\(defaulted.metadata.namespace)/\(defaulted.metadata.name)"
                    if let owner = owners[key] {
                        let message = "duplicate pod \"\(key)\": already defined by \(owner); this one is ignored"
                        errors.append(ManifestError(path: manifest.location, message: message))
                        continue
                    }
                    owners[key] = manifest.location
                    seen[uid] = firstSeen
                    pods.append(defaulted)
                }
            }
        }
        self.firstSeen = seen
        pods.sort { ($0.metadata.namespace, $0.metadata.name) < ($1.metadata.namespace, $1.metadata.name) }
        return PodSourceSnapshot(pods: pods, errors: errors)
    }

    /// Whether a directory entry is a manifest: `.yaml`, `.yml` or `.json`, not a dotfile (editor swap files, `..data`
    /// links), not a `~` backup and not an Emacs `#autosave#` file.
    public static func isManifestFileName(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasSuffix("~") || (name.hasPrefix("#") && name.hasSuffix("#")) { return false }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        let fileExtension = name[name.index(after: dot)...].lowercased()
        return ["yaml", "yml", "json"].contains(fileExtension)
    }

    /// Decodes one manifest file's bytes into a ``Manifest``.
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - path: the file's path, named in errors.
    public static func decodeFile(_ data: Data, path: String) -> Manifest {
        do {
            let pod = try ManifestDecoding.decodePod(data, source: path)
            return Manifest(location: path, result: .success([pod]))
        } catch {
            return Manifest(location: path, result: .failure(ManifestError(path: path, message: error.reason)))
        }
    }
}
