public import Foundation
import NIOCore
import NIOSSL

/// A CA, a serving certificate for 127.0.0.1/localhost and a client certificate, as PEM files in one directory,
/// for serving HTTPS that demands client certificates (mTLS), as kube-apiserver with `--client-ca-file`.
///
/// ```swift
/// let tls = try TLSMaterial.generate(in: dir)          // runs /usr/bin/openssl
/// var configuration = FakeKubeAPIServer.Configuration()
/// configuration.tls = tls
/// ```
public struct TLSMaterial: Sendable, Equatable {
    public var caCertificatePath: String
    public var caKeyPath: String
    public var serverCertificatePath: String
    public var serverKeyPath: String
    public var clientCertificatePath: String
    public var clientKeyPath: String
    /// Refuse handshakes without a client certificate signed by the CA.
    public var requireClientCertificate: Bool = true

    public init(
        caCertificatePath: String, caKeyPath: String, serverCertificatePath: String, serverKeyPath: String,
        clientCertificatePath: String, clientKeyPath: String, requireClientCertificate: Bool = true
    ) {
        self.caCertificatePath = caCertificatePath
        self.caKeyPath = caKeyPath
        self.serverCertificatePath = serverCertificatePath
        self.serverKeyPath = serverKeyPath
        self.clientCertificatePath = clientCertificatePath
        self.clientKeyPath = clientKeyPath
        self.requireClientCertificate = requireClientCertificate
    }

    /// Generates the CA, the serving certificate (SANs `IP:127.0.0.1`, `IP:::1`, `DNS:localhost`) and a client
    /// certificate (`CN=<clientCommonName>`, `O=<clientOrganization>`, like a kubelet's `system:node:<name>` /
    /// `system:nodes`), ECDSA P-256, valid for a year, with the `openssl` command.
    /// - Throws: ``TLSMaterialError`` naming the openssl step that failed and its output.
    public static func generate(
        in directory: String, clientCommonName: String = "system:node:test-node",
        clientOrganization: String = "system:nodes", openssl: String = "/usr/bin/openssl"
    ) throws -> TLSMaterial {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        let material = TLSMaterial(
            caCertificatePath: path("ca.crt"), caKeyPath: path("ca.key"), serverCertificatePath: path("server.crt"),
            serverKeyPath: path("server.key"), clientCertificatePath: path("client.crt"), clientKeyPath: path("client.key")
        )
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(openssl, ["req", "-x509"] + key + [
            "-keyout", material.caKeyPath, "-out", material.caCertificatePath, "-days", "365",
            "-subj", "/CN=fake-kube-apiserver-ca", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
        ], step: "CA certificate")
        for (name, subject, extensions) in [
            ("server", "/CN=kube-apiserver", "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\n"),
            ("client", "/O=\(clientOrganization)/CN=\(clientCommonName)", "extendedKeyUsage=clientAuth\n"),
        ] {
            try run(openssl, ["req"] + key + ["-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", subject],
                    step: "\(name) key")
            try extensions.write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
            try run(openssl, [
                "x509", "-req", "-in", path("\(name).csr"), "-CA", material.caCertificatePath, "-CAkey", material.caKeyPath,
                "-CAcreateserial", "-out", path("\(name).crt"), "-days", "365", "-extfile", path("\(name).ext"),
            ], step: "\(name) certificate")
        }
        return material
    }

    static func run(_ executable: String, _ arguments: [String], step: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            throw TLSMaterialError(step: step, output: "cannot run \(executable): \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TLSMaterialError(step: step, output: String(decoding: data, as: UTF8.self))
        }
    }

    func makeServerContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(self.serverCertificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: self.serverKeyPath, format: .pem))
        )
        configuration.trustRoots = .file(self.caCertificatePath)
        configuration.certificateVerification = self.requireClientCertificate ? .noHostnameVerification : .none
        return try NIOSSLContext(configuration: configuration)
    }

    static func addServerHandler(_ context: NIOSSLContext, to channel: any Channel) throws {
        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
    }

    /// The PEM files' contents base64-encoded, as kubeconfig `*-data` fields want them.
    func base64(_ path: String) throws -> String {
        try Data(contentsOf: URL(fileURLWithPath: path)).base64EncodedString()
    }
}

/// Generating certificates failed.
public struct TLSMaterialError: Error, CustomStringConvertible {
    public var step: String
    public var output: String
    public var description: String { "openssl failed generating the \(self.step): \(self.output)" }
}
