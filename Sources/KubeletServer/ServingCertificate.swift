import Foundation

/// The kubelet API's serving certificate, chosen as upstream does: `--tls-cert-file` and
/// `--tls-private-key-file` when given, else `<cert-dir>/kubelet.crt` and `kubelet.key`, generated self-signed
/// for the node's hostname and IPs (with `openssl`) when they do not exist yet.
public struct ServingCertificate: Sendable, Equatable {
    public var certificatePath: String
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// - Parameters:
    ///   - certificateFile: `--tls-cert-file` (with `keyFile`, or neither).
    ///   - keyFile: `--tls-private-key-file`.
    ///   - certDirectory: `--cert-dir` (default `/var/lib/kubelet/pki`).
    ///   - hostname: the node's name, the certificate's CN and a DNS SAN.
    ///   - addresses: the node's IPs, as IP SANs.
    /// - Throws: ``ServingCertificateError`` naming the flag or file at fault, or the openssl step that failed.
    public static func resolve(
        certificateFile: String?, keyFile: String?, certDirectory: String, hostname: String, addresses: [String],
        openssl: String = "/usr/bin/openssl"
    ) throws(ServingCertificateError) -> ServingCertificate {
        switch (certificateFile, keyFile) {
        case (let certificate?, let key?):
            for (flag, path) in [("--tls-cert-file", certificate), ("--tls-private-key-file", key)]
            where !FileManager.default.fileExists(atPath: path) {
                throw ServingCertificateError("\(flag) \(path): no such file")
            }
            return ServingCertificate(certificatePath: certificate, keyPath: key)
        case (.some, nil):
            throw ServingCertificateError("--tls-cert-file needs --tls-private-key-file")
        case (nil, .some):
            throw ServingCertificateError("--tls-private-key-file needs --tls-cert-file")
        case (nil, nil):
            let pair = ServingCertificate(
                certificatePath: certDirectory + "/kubelet.crt", keyPath: certDirectory + "/kubelet.key")
            if FileManager.default.fileExists(atPath: pair.certificatePath),
                FileManager.default.fileExists(atPath: pair.keyPath)
            {
                return pair
            }
            try pair.generate(hostname: hostname, addresses: addresses, openssl: openssl)
            return pair
        }
    }

    /// Writes a self-signed RSA 2048 certificate valid for a year (upstream: `<host>@<unix time>` as CN, the
    /// hostname, `localhost` and the IPs as SANs); the key is mode 0600.
    func generate(hostname: String, addresses: [String], openssl: String) throws(ServingCertificateError) {
        let directory = (self.certificatePath as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ServingCertificateError("--cert-dir \(directory): \(error.localizedDescription)")
        }
        let host = hostname.isEmpty ? "localhost" : hostname
        var names = ["DNS:\(host)"]
        if host != "localhost" { names.append("DNS:localhost") }
        names += addresses.filter { !$0.isEmpty }.map { "IP:\($0)" }
        if !addresses.contains("127.0.0.1") { names.append("IP:127.0.0.1") }
        let arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.keyPath, "-out", self.certificatePath,
            "-days", "365", "-subj", "/CN=\(host)@\(Int(Date().timeIntervalSince1970))",
            "-addext", "subjectAltName=\(names.joined(separator: ","))",
            "-addext", "keyUsage=critical,digitalSignature,keyEncipherment",
            "-addext", "extendedKeyUsage=serverAuth", "-addext", "basicConstraints=critical,CA:FALSE",
        ]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            throw ServingCertificateError("cannot run \(openssl) to generate \(self.certificatePath): \(error)")
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ServingCertificateError("openssl failed generating \(self.certificatePath): \(text)")
        }
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: self.keyPath)
    }
}

/// The serving certificate could not be found or made.
public struct ServingCertificateError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
