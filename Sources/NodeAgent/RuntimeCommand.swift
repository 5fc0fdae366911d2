import AgentCore
import ArgumentParser
import CRIClient
import Foundation
import Logging

/// `node-agent runtime`: talks to the container runtime without running the agent.
struct RuntimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runtime",
        abstract: "Show the container runtime's name, version and conditions.",
        discussion: "Exits 0 when RuntimeReady and NetworkReady are both true, 1 otherwise.",
        subcommands: [RuntimeStatusCommand.self, RemovePodsCommand.self],
        defaultSubcommand: RuntimeStatusCommand.self
    )
}

/// The runtime endpoint options (upstream kubelet flag names).
struct RuntimeEndpointOptions: ParsableArguments {
    /// The agent's own options: the root command parses `--container-runtime-endpoint` and
    /// `--runtime-request-timeout` wherever they appear (also after `runtime ...`), and ArgumentParser hands its
    /// decoded `AgentOptions` to this group. Declaring the flags again here would leave them unset.
    @OptionGroup(visibility: .private) var agent: AgentOptions

    var containerRuntimeEndpoint: String {
        self.agent.containerRuntimeEndpoint ?? "unix:///run/containerd/containerd.sock"
    }

    var runtimeRequestTimeout: String { self.agent.runtimeRequestTimeout ?? "2m" }

    /// The client configuration, or a validation error that names the flag.
    func clientConfiguration() throws -> CRIClientConfiguration {
        var configuration: CRIClientConfiguration
        do {
            configuration = try CRIClientConfiguration(endpoint: self.containerRuntimeEndpoint)
        } catch {
            throw ValidationError("\(error)")
        }
        guard let timeout = GoDuration.parse(self.runtimeRequestTimeout) else {
            throw ValidationError(
                "invalid --runtime-request-timeout '\(self.runtimeRequestTimeout)': expected a duration like 2m or 30s"
            )
        }
        configuration.requestTimeout = timeout
        return configuration
    }

    /// Fails early, with a hint, when the runtime's socket does not exist.
    func checkSocketExists(_ configuration: CRIClientConfiguration) throws {
        guard FileManager.default.fileExists(atPath: configuration.socketPath) else {
            throw CommandError(
                """
                error: the container runtime socket \(configuration.socketPath) does not exist.
                Is the runtime running? For node-agent's own containerd run `sudo deploy/setup-node.sh`; \
                for the system containerd, `systemctl start containerd`. Then pass its socket with \
                --container-runtime-endpoint unix://<path>.
                """
            )
        }
    }
}

struct RuntimeStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print the runtime's name, version and its RuntimeReady/NetworkReady conditions."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var endpoint: RuntimeEndpointOptions

    func run() async throws {
        self.global.bootstrapLogging()
        let configuration = try self.endpoint.clientConfiguration()
        try self.endpoint.checkSocketExists(configuration)
        let ready = try await withCRIClient(configuration) { runtime in
            let version = try await runtime.version()
            let status = try await runtime.status(verbose: false)
            print("Endpoint:     unix://\(configuration.socketPath)")
            print("Runtime:      \(version.runtimeName) \(version.runtimeVersion) (CRI \(version.runtimeAPIVersion))")
            for type in [RuntimeCondition.runtimeReady, RuntimeCondition.networkReady] {
                let condition = status.condition(type)
                var line = "\(type + ":")".padding(toLength: 14, withPad: " ", startingAt: 0)
                line += condition.map { $0.status ? "true" : "false" } ?? "not reported"
                if let condition, !condition.status {
                    line += " (\(condition.reason): \(condition.message))"
                }
                print(line)
            }
            return status.isReady
        }
        if !ready { throw ExitCode(1) }
    }
}

struct RemovePodsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-pods",
        abstract: "Stop and remove every pod sandbox the runtime holds (used by deploy/teardown-node.sh).",
        discussion: "Removal goes through the CRI, so the network plugin releases IPs and hostPort rules."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var endpoint: RuntimeEndpointOptions

    func run() async throws {
        self.global.bootstrapLogging()
        let configuration = try self.endpoint.clientConfiguration()
        try self.endpoint.checkSocketExists(configuration)
        try await withCRIClient(configuration) { runtime in
            let sandboxes = try await runtime.listPodSandboxes(nil)
            for sandbox in sandboxes {
                try await runtime.stopPodSandbox(sandbox.id)
                try await runtime.removePodSandbox(sandbox.id)
                let meta = sandbox.metadata
                print("removed sandbox \(sandbox.id.prefix(13)) (\(meta.namespace)/\(meta.name))")
            }
            print("\(sandboxes.count) pod sandbox(es) removed")
        }
    }
}

/// An error shown to the operator as `Error: <text>`, exiting 1.
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
