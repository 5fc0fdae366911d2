import AgentCore
import ArgumentParser
import Logging

@main
struct NodeAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node-agent",
        abstract: "A Kubernetes node agent: the kubelet and kube-proxy in one daemon.",
        discussion: """
            Without a subcommand, runs the agent: the pods of --pod-manifest-path (and --manifest-url) on the \
            runtime of --container-runtime-endpoint, until SIGTERM. Stopping leaves the pods running.
            """,
        version: AgentVersion.description,
        subcommands: [RuntimeCommand.self, PodsCommand.self]
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var agent: AgentOptions

    func run() async throws {
        self.global.bootstrapLogging()
        try await AgentRun(options: self.agent).run(logger: Logger(label: "node-agent"))
    }
}

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: [.customLong("v"), .customShort("v")],
        help: "Log verbosity, as the kubelet's: 0-1 info, 2-3 debug, 4 and above trace."
    )
    var verbosity: Int = 0

    /// Bootstraps swift-log once for the process: the only place a log handler is chosen.
    func bootstrapLogging() {
        let level: Logger.Level =
            switch self.verbosity {
            case ..<2: .info
            case 2..<4: .debug
            default: .trace
            }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
