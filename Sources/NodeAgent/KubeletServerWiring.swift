import AgentCore
import ArgumentParser
import Foundation
import KubeAPI
import KubeletServer
import Logging
import PodSandbox

/// The kubelet API's flags (upstream's names); `--address` and `--port` win over the config file's fields.
struct KubeletServerOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The address of the kubelet API (HTTPS: /containerLogs, /pods, /runningpods/, /metrics, /healthz), "
                + "default 0.0.0.0 (address)."))
    var address: String?

    @Option(help: "The port of the kubelet API, default 10250; 0 disables it (port).")
    var port: Int?

    @Option(
        help: ArgumentHelp(
            "The kubelet API's serving certificate (PEM); without it <cert-dir>/kubelet.crt is used or generated "
                + "self-signed."))
    var tlsCertFile: String?

    @Option(help: "The private key of --tls-cert-file (PEM).")
    var tlsPrivateKeyFile: String?

    @Option(help: "Where the self-signed kubelet.crt/kubelet.key live when --tls-cert-file is not given.")
    var certDir: String = "/var/lib/kubelet/pki"

    @Option(
        help: """
            Clients of the kubelet API must present a certificate signed by this CA bundle (x509 authentication). \
            Without it every client is served: token (webhook) authentication and authorization are not implemented.
            """)
    var clientCAFile: String?
}

enum KubeletServerWiring {
    /// The port the Node advertises (`status.daemonEndpoints.kubeletEndpoint.Port`).
    static func port(_ options: KubeletServerOptions, settings: KubeletConfiguration.Resolved) -> Int {
        options.port ?? settings.port
    }

    /// The kubelet API server over the engine's pods, or nil when `--port 0` disables it.
    /// - Throws: `CommandError` naming the flag at fault (bad port, certificate files, openssl failure).
    static func service(
        options: KubeletServerOptions,
        settings: KubeletConfiguration.Resolved,
        nodeName: String,
        nodeIPs: [String],
        engine: PodEngine,
        metrics: KubeletMetrics,
        logger: Logger
    ) throws -> KubeletServer? {
        let port = Self.port(options, settings: settings)
        guard port != 0 else { return nil }
        guard (1...65535).contains(port) else {
            throw CommandError("error: invalid --port \(port): expected 1-65535, or 0 to disable the kubelet API")
        }
        let certificate: ServingCertificate
        do {
            certificate = try ServingCertificate.resolve(
                certificateFile: options.tlsCertFile, keyFile: options.tlsPrivateKeyFile,
                certDirectory: options.certDir, hostname: nodeName, addresses: nodeIPs)
        } catch {
            throw CommandError("error: kubelet API certificate: \(error)")
        }
        if let clientCA = options.clientCAFile, !FileManager.default.fileExists(atPath: clientCA) {
            throw CommandError("error: --client-ca-file \(clientCA): no such file")
        }
        if options.clientCAFile == nil {
            logger.warning(
                "the kubelet API serves any client: pass --client-ca-file to require client certificates",
                metadata: ["port": "\(port)"])
        }
        let routes = KubeletRoutes(
            locator: PodLogLocatorClosure { engine.pods().map(\.pod) },
            podLogsDirectory: settings.podLogsDir,
            metricsText: { metrics.registry.render() },
            podsJSON: { AgentRun.podList(engine) }
        )
        let configuration = KubeletServer.Configuration(
            host: options.address ?? settings.address, port: port, certificate: certificate,
            clientCAFile: options.clientCAFile)
        return KubeletServer(configuration: configuration, routes: routes, logger: logger)
    }
}
