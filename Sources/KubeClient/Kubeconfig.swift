public import Foundation
import Yams

/// A kubeconfig file (`--kubeconfig`, `apiVersion: v1`, `kind: Config`): clusters, users, contexts and the
/// current context. ``load(path:context:)`` resolves the chosen context into a ``KubeClientConfiguration``.
///
/// Supported: `server`, `certificate-authority`, `certificate-authority-data`, `insecure-skip-tls-verify`,
/// `tls-server-name`, `client-certificate(-data)`, `client-key(-data)`, `token`, `tokenFile`; relative file paths
/// are resolved against the kubeconfig's directory, as kubectl does. Not supported: exec and auth-provider plugins,
/// basic auth, proxies.
///
/// ```swift
/// let config = try Kubeconfig.load(path: "/etc/kubernetes/kubelet.conf")
/// try await KubeAPIClient.withClient(configuration: config) { client in ... }
/// ```
public struct Kubeconfig: Sendable, Equatable {
    /// A named cluster.
    public struct Cluster: Codable, Sendable, Equatable {
        /// `https://host:port` of the API server.
        public var server: String?
        /// Path of a PEM file of CA certificates.
        public var certificateAuthority: String?
        /// PEM CA certificates, base64 in the file.
        public var certificateAuthorityData: Data?
        /// Skip server certificate verification.
        public var insecureSkipTLSVerify: Bool?
        /// Name to verify the server certificate against instead of the server's host.
        public var tlsServerName: String?

        /// Creates a cluster entry.
        public init(
            server: String? = nil,
            certificateAuthority: String? = nil,
            certificateAuthorityData: Data? = nil,
            insecureSkipTLSVerify: Bool? = nil,
            tlsServerName: String? = nil
        ) {
            self.server = server
            self.certificateAuthority = certificateAuthority
            self.certificateAuthorityData = certificateAuthorityData
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.tlsServerName = tlsServerName
        }

        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
        }
    }

    /// A named user (credentials).
    public struct User: Codable, Sendable, Equatable {
        /// Path of a PEM client certificate.
        public var clientCertificate: String?
        /// PEM client certificate, base64 in the file.
        public var clientCertificateData: Data?
        /// Path of a PEM private key (RSA or EC).
        public var clientKey: String?
        /// PEM private key, base64 in the file.
        public var clientKeyData: Data?
        /// Bearer token.
        public var token: String?
        /// Path of a file holding the bearer token; re-read when it changes.
        public var tokenFile: String?

        /// Creates a user entry.
        public init(
            clientCertificate: String? = nil,
            clientCertificateData: Data? = nil,
            clientKey: String? = nil,
            clientKeyData: Data? = nil,
            token: String? = nil,
            tokenFile: String? = nil
        ) {
            self.clientCertificate = clientCertificate
            self.clientCertificateData = clientCertificateData
            self.clientKey = clientKey
            self.clientKeyData = clientKeyData
            self.token = token
            self.tokenFile = tokenFile
        }

        enum CodingKeys: String, CodingKey {
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case token, tokenFile
        }
    }

    /// A named context: a cluster, a user and a default namespace.
    public struct Context: Codable, Sendable, Equatable {
        /// Name of the cluster.
        public var cluster: String
        /// Name of the user; empty means no credentials.
        public var user: String?
        /// Default namespace.
        public var namespace: String?

        /// Creates a context entry.
        public init(cluster: String, user: String? = nil, namespace: String? = nil) {
            self.cluster = cluster
            self.user = user
            self.namespace = namespace
        }
    }

    /// Clusters by name, in file order.
    public var clusters: [(name: String, cluster: Cluster)] {
        get { self.clusterEntries.map { ($0.name, $0.cluster) } }
        set { self.clusterEntries = newValue.map { NamedCluster(name: $0.name, cluster: $0.cluster) } }
    }
    /// Users by name, in file order.
    public var users: [(name: String, user: User)] {
        get { self.userEntries.map { ($0.name, $0.user) } }
        set { self.userEntries = newValue.map { NamedUser(name: $0.name, user: $0.user) } }
    }
    /// Contexts by name, in file order.
    public var contexts: [(name: String, context: Context)] {
        get { self.contextEntries.map { ($0.name, $0.context) } }
        set { self.contextEntries = newValue.map { NamedContext(name: $0.name, context: $0.context) } }
    }
    /// The context used when none is named.
    public var currentContext: String?
    /// Where the file was read from; relative paths are resolved against its directory.
    public var path: String

    var clusterEntries: [NamedCluster]
    var userEntries: [NamedUser]
    var contextEntries: [NamedContext]

    struct NamedCluster: Codable, Sendable, Equatable {
        var name: String
        var cluster: Cluster
    }
    struct NamedUser: Codable, Sendable, Equatable {
        var name: String
        var user: User
    }
    struct NamedContext: Codable, Sendable, Equatable {
        var name: String
        var context: Context
    }

    struct File: Codable {
        var apiVersion: String?
        var kind: String?
        var clusters: [NamedCluster]?
        var users: [NamedUser]?
        var contexts: [NamedContext]?
        var currentContext: String?

        enum CodingKeys: String, CodingKey {
            case apiVersion, kind, clusters, users, contexts
            case currentContext = "current-context"
        }
    }

    /// Parses kubeconfig YAML (or JSON).
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - path: where it came from (for messages and relative paths).
    /// - Throws: ``KubeconfigError`` naming the file and the field.
    public init(parsing text: String, path: String) throws(KubeconfigError) {
        let file: File
        do {
            file = try YAMLDecoder().decode(File.self, from: text)
        } catch let error as DecodingError {
            throw KubeconfigError(path: path, decoding: error)
        } catch {
            throw KubeconfigError(path: path, field: nil, message: "not valid YAML: \(error)")
        }
        if let kind = file.kind, !kind.isEmpty, kind != "Config" {
            throw KubeconfigError(path: path, field: "kind", message: "expected \"Config\", got \"\(kind)\"")
        }
        self.path = path
        self.clusterEntries = file.clusters ?? []
        self.userEntries = file.users ?? []
        self.contextEntries = file.contexts ?? []
        self.currentContext = file.currentContext
    }

    /// Reads and parses a kubeconfig file.
    /// - Throws: ``KubeconfigError`` naming the file (and the field).
    public init(contentsOf path: String) throws(KubeconfigError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KubeconfigError(path: path, field: nil, message: "cannot read: \(Self.reason(error))")
        }
        try self.init(parsing: text, path: path)
    }

    /// Reads a kubeconfig file and resolves a context into a client configuration.
    /// - Parameters:
    ///   - path: the kubeconfig (`--kubeconfig`).
    ///   - context: the context to use; nil uses `current-context`.
    /// - Throws: ``KubeconfigError`` naming the file and the field at fault.
    public static func load(path: String, context: String? = nil) throws(KubeconfigError) -> KubeClientConfiguration {
        try Kubeconfig(contentsOf: path).resolve(context: context)
    }

    /// Resolves a context: the cluster's server and CA, the user's credentials (files read now, except the token
    /// file, which the client re-reads when it changes).
    /// - Parameter context: the context to use; nil uses `current-context`, or the only context if there is one.
    /// - Throws: ``KubeconfigError`` naming the file and the field at fault.
    public func resolve(context: String? = nil) throws(KubeconfigError) -> KubeClientConfiguration {
        let contextName: String
        if let context {
            contextName = context
        } else if let current = self.currentContext, !current.isEmpty {
            contextName = current
        } else if self.contextEntries.count == 1 {
            contextName = self.contextEntries[0].name
        } else {
            throw self.error("current-context", "not set, and no context was named")
        }
        guard let contextIndex = self.contextEntries.firstIndex(where: { $0.name == contextName }) else {
            throw self.error(
                context == nil ? "current-context" : "contexts",
                "context \"\(contextName)\" not found" + Self.known(self.contextEntries.map(\.name))
            )
        }
        let chosen = self.contextEntries[contextIndex].context
        let contextField = "contexts[\(contextIndex)].context"
        guard let clusterIndex = self.clusterEntries.firstIndex(where: { $0.name == chosen.cluster }) else {
            throw self.error(
                "\(contextField).cluster",
                "cluster \"\(chosen.cluster)\" not found" + Self.known(self.clusterEntries.map(\.name))
            )
        }
        let cluster = self.clusterEntries[clusterIndex].cluster
        let clusterField = "clusters[\(clusterIndex)].cluster"

        guard let server = cluster.server, !server.isEmpty else {
            throw self.error("\(clusterField).server", "required")
        }
        let serverURL = try self.parseServer(server, field: "\(clusterField).server")

        var tls = KubeClientConfiguration.TLS()
        tls.insecureSkipVerify = cluster.insecureSkipTLSVerify ?? false
        tls.serverName = cluster.tlsServerName
        if let data = cluster.certificateAuthorityData, !data.isEmpty {
            tls.certificateAuthorityPEM = Array(data)
        } else if let file = cluster.certificateAuthority, !file.isEmpty {
            tls.certificateAuthorityPEM = try self.read(file, field: "\(clusterField).certificate-authority")
        }
        if tls.insecureSkipVerify, tls.certificateAuthorityPEM != nil {
            throw self.error(
                "\(clusterField).insecure-skip-tls-verify",
                "specifying a root certificates file with the insecure flag is not allowed"
            )
        }

        var credentials = KubeClientConfiguration.Credentials.none
        if let userName = chosen.user, !userName.isEmpty {
            guard let userIndex = self.userEntries.firstIndex(where: { $0.name == userName }) else {
                throw self.error(
                    "\(contextField).user",
                    "user \"\(userName)\" not found" + Self.known(self.userEntries.map(\.name))
                )
            }
            let user = self.userEntries[userIndex].user
            let userField = "users[\(userIndex)].user"
            if let data = user.clientCertificateData, !data.isEmpty {
                tls.clientCertificatePEM = Array(data)
            } else if let file = user.clientCertificate, !file.isEmpty {
                tls.clientCertificatePEM = try self.read(file, field: "\(userField).client-certificate")
            }
            if let data = user.clientKeyData, !data.isEmpty {
                tls.clientKeyPEM = Array(data)
            } else if let file = user.clientKey, !file.isEmpty {
                tls.clientKeyPEM = try self.read(file, field: "\(userField).client-key")
            }
            if (tls.clientCertificatePEM == nil) != (tls.clientKeyPEM == nil) {
                let missing = tls.clientKeyPEM == nil ? "client-key" : "client-certificate"
                throw self.error("\(userField).\(missing)", "required with the other half of the client certificate")
            }
            if let token = user.token, !token.isEmpty {
                credentials = .token(token)
            } else if let file = user.tokenFile, !file.isEmpty {
                let resolved = self.resolvePath(file)
                _ = try self.read(file, field: "\(userField).tokenFile")
                credentials = .tokenFile(resolved)
            }
        }
        if serverURL.scheme == "http", tls.clientCertificatePEM != nil {
            throw self.error("\(clusterField).server", "client certificates need an https server, got \(server)")
        }
        return KubeClientConfiguration(
            server: serverURL.text,
            tls: serverURL.scheme == "https" ? tls : nil,
            credentials: credentials,
            namespace: chosen.namespace
        )
    }

    /// A path from the file, made absolute against the kubeconfig's directory.
    public func resolvePath(_ file: String) -> String {
        if file.hasPrefix("/") { return file }
        let directory = (self.path as NSString).deletingLastPathComponent
        return directory.isEmpty ? file : (directory as NSString).appendingPathComponent(file)
    }

    private func read(_ file: String, field: String) throws(KubeconfigError) -> [UInt8] {
        let resolved = self.resolvePath(file)
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: resolved)))
        } catch {
            throw self.error(field, "cannot read \(resolved): \(Self.reason(error))")
        }
    }

    private func parseServer(
        _ server: String,
        field: String
    ) throws(KubeconfigError) -> (scheme: String, text: String) {
        guard let components = URLComponents(string: server), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
        else {
            throw self.error(field, "\"\(server)\" is not a URL like https://host:6443")
        }
        var text = server
        while text.hasSuffix("/") { text.removeLast() }
        return (scheme, text)
    }

    private func error(_ field: String, _ message: String) -> KubeconfigError {
        KubeconfigError(path: self.path, field: field, message: message)
    }

    private static func known(_ names: [String]) -> String {
        names.isEmpty ? " (the file has none)" : " (known: \(names.joined(separator: ", ")))"
    }

    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError {
            return "no such file or directory"
        }
        return nsError.localizedDescription
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.path == rhs.path && lhs.currentContext == rhs.currentContext && lhs.clusterEntries == rhs.clusterEntries
            && lhs.userEntries == rhs.userEntries && lhs.contextEntries == rhs.contextEntries
    }
}

/// A kubeconfig that cannot be used: `kubeconfig /etc/kubernetes/kubelet.conf: users[0].user.client-key: cannot
/// read /etc/kubernetes/pki/missing.key: no such file or directory`.
public struct KubeconfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kubeconfig file.
    public var path: String
    /// The field at fault, e.g. `clusters[0].cluster.server`; nil for the file as a whole.
    public var field: String?
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(path: String, field: String?, message: String) {
        self.path = path
        self.field = field
        self.message = message
    }

    init(path: String, decoding error: DecodingError) {
        func render(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text
        }
        switch error {
        case .typeMismatch(let type, let context):
            let field = render(context.codingPath)
            let expected = Self.describe(type)
            self.init(path: path, field: field.isEmpty ? nil : field, message: "expected \(expected)")
        case .valueNotFound(_, let context):
            self.init(path: path, field: render(context.codingPath), message: "must not be null")
        case .keyNotFound(let key, let context):
            self.init(path: path, field: render(context.codingPath + [key]), message: "required")
        case .dataCorrupted(let context):
            let field = render(context.codingPath)
            let message = context.codingPath.last.map { $0.stringValue.hasSuffix("-data") } == true
                ? "not valid base64" : context.debugDescription
            self.init(path: path, field: field.isEmpty ? nil : field, message: message)
        @unknown default:
            self.init(path: path, field: nil, message: "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        let name = "\(type)"
        if type == Data.self { return "base64 data" }
        if type == String.self { return "a string" }
        if type == Bool.self { return "true or false" }
        if name.hasPrefix("Array") || name == "Sequence" { return "a list" }
        if name.hasPrefix("Dictionary") || name.hasPrefix("Mapping") || name.contains("Keyed") { return "a mapping" }
        return name
    }

    public var description: String {
        "kubeconfig \(self.path): " + (self.field.map { "\($0): " } ?? "") + self.message
    }
}
