import AgentCore

/// How to reach and authenticate to the API server: what a kubeconfig context resolves to, plus the client's own
/// settings (rate limit, timeouts, user agent).
public struct KubeClientConfiguration: Sendable, Equatable {
    /// TLS settings of an https server.
    public struct TLS: Sendable, Equatable {
        /// PEM CA certificates to trust; nil trusts the system's roots.
        public var certificateAuthorityPEM: [UInt8]?
        /// PEM client certificate (chain).
        public var clientCertificatePEM: [UInt8]?
        /// PEM private key of the client certificate (RSA or EC, PKCS#1, SEC1 or PKCS#8).
        public var clientKeyPEM: [UInt8]?
        /// Do not verify the server's certificate.
        public var insecureSkipVerify: Bool
        /// Name to verify the server certificate against instead of the URL's host.
        public var serverName: String?

        /// Creates TLS settings.
        public init(
            certificateAuthorityPEM: [UInt8]? = nil,
            clientCertificatePEM: [UInt8]? = nil,
            clientKeyPEM: [UInt8]? = nil,
            insecureSkipVerify: Bool = false,
            serverName: String? = nil
        ) {
            self.certificateAuthorityPEM = certificateAuthorityPEM
            self.clientCertificatePEM = clientCertificatePEM
            self.clientKeyPEM = clientKeyPEM
            self.insecureSkipVerify = insecureSkipVerify
            self.serverName = serverName
        }
    }

    /// How requests authenticate besides a client certificate.
    public enum Credentials: Sendable, Equatable {
        /// No bearer token.
        case none
        /// A fixed bearer token.
        case token(String)
        /// A bearer token read from a file, re-read when the file changes (projected service account tokens).
        case tokenFile(String)
    }

    /// `https://host:port` (no trailing slash).
    public var server: String
    /// TLS settings; nil for an http server.
    public var tls: TLS?
    /// Bearer token source.
    public var credentials: Credentials
    /// The context's default namespace.
    public var namespace: String?
    /// Requests per second after the burst (`kubeAPIQPS`, default 50); negative disables rate limiting.
    public var qps: Double
    /// Requests allowed at once (`kubeAPIBurst`, default 100).
    public var burst: Int
    /// Deadline of a request until its response head arrives (a list's body may take longer).
    public var requestTimeout: Duration
    /// `User-Agent` header.
    public var userAgent: String

    /// Creates a configuration with the kubelet's defaults.
    public init(
        server: String,
        tls: TLS? = nil,
        credentials: Credentials = .none,
        namespace: String? = nil,
        qps: Double = 50,
        burst: Int = 100,
        requestTimeout: Duration = .seconds(60),
        userAgent: String = KubeClientConfiguration.defaultUserAgent
    ) {
        self.server = server
        self.tls = tls
        self.credentials = credentials
        self.namespace = namespace
        self.qps = qps
        self.burst = burst
        self.requestTimeout = requestTimeout
        self.userAgent = userAgent
    }

    /// `node-agent/v0.1.0 (linux/amd64) kubernetes/v1.34.0`, shaped like the kubelet's
    /// `kubelet/v1.34.0 (linux/amd64) kubernetes/<commit>`.
    public static let defaultUserAgent: String = {
        "node-agent/v\(AgentVersion.version) (linux/\(KubeClientConfiguration.goArch)) "
            + "kubernetes/\(AgentVersion.kubernetesVersion)"
    }()

    /// The machine architecture in Go's spelling (`amd64`, `arm64`).
    public static var goArch: String {
        #if arch(x86_64)
            "amd64"
        #elseif arch(arm64)
            "arm64"
        #elseif arch(i386)
            "386"
        #elseif arch(arm)
            "arm"
        #elseif arch(s390x)
            "s390x"
        #elseif arch(powerpc64le)
            "ppc64le"
        #else
            "unknown"
        #endif
    }
}
