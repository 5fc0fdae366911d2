import Foundation

extension FakeKubeAPIServer {
    /// Writes a kubeconfig (cluster, user and context `fake`, current) pointing at this server. With TLS the CA and
    /// the client certificate and key are embedded as `*-data`; `token` (default: the configured
    /// ``Configuration/bearerToken``) adds a bearer token. Start the server first, so the port is known.
    /// - Returns: the path written.
    @discardableResult
    public func kubeconfig(path: String, token: String? = nil, namespace: String? = nil) throws -> String {
        var cluster = "    server: \(self.url)\n"
        var user = ""
        if let tls = self.configuration.tls {
            cluster += "    certificate-authority-data: \(try tls.base64(tls.caCertificatePath))\n"
            user += "    client-certificate-data: \(try tls.base64(tls.clientCertificatePath))\n"
            user += "    client-key-data: \(try tls.base64(tls.clientKeyPath))\n"
        }
        if let token = token ?? self.configuration.bearerToken { user += "    token: \(token)\n" }
        let text = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
            \(cluster)users:
            - name: fake
              user:\(user.isEmpty ? " {}\n" : "\n" + user)contexts:
            - name: fake
              context:
                cluster: fake
                user: fake
            \(namespace.map { "    namespace: \($0)\n" } ?? "")current-context: fake

            """
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
