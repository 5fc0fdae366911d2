import Foundation
import Synchronization

/// The bearer token of requests: fixed, or read from a file and re-read when the file's modification time or size
/// changes (a rotated projected token reaches the next request).
final class BearerToken: Sendable {
    private let credentials: KubeClientConfiguration.Credentials
    private let cache = Mutex<Cached?>(nil)

    private struct Cached {
        var modified: Date?
        var size: Int?
        var token: String
    }

    init(_ credentials: KubeClientConfiguration.Credentials) {
        self.credentials = credentials
    }

    /// The current token, or nil for no `Authorization` header.
    /// - Throws: ``KubeAPIError`` (`configuration`) when the token file cannot be read.
    func current() throws(KubeAPIError) -> String? {
        switch self.credentials {
        case .none: return nil
        case .token(let token): return token
        case .tokenFile(let path):
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let modified = attributes?[.modificationDate] as? Date
            let size = (attributes?[.size] as? NSNumber)?.intValue
            if let cached = self.cache.withLock({ $0 }), attributes != nil, cached.modified == modified,
                cached.size == size
            {
                return cached.token
            }
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                if let cached = self.cache.withLock({ $0 }) { return cached.token }
                throw KubeAPIError(
                    code: .configuration, request: path, message: "cannot read tokenFile: \(Kubeconfig.reason(error))",
                    cause: error
                )
            }
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            self.cache.withLock { $0 = Cached(modified: modified, size: size, token: token) }
            return token
        }
    }
}
