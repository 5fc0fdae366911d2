import AgentHTTP
import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `node-agent pods`: the running agent's pods as a `kubectl get pods` table, read from its `/pods` endpoint.
struct PodsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pods",
        abstract: "List the running agent's pods, containers, states, restarts and IPs.",
        discussion: """
            Reads /pods from the agent's healthz endpoint, found with the agent's own flags: \
            --healthz-bind-address (default 127.0.0.1; 0.0.0.0 and :: mean loopback) and --healthz-port \
            (default 10248).
            """
    )

    /// The agent's own options: the root command parses `--healthz-port` and `--healthz-bind-address` wherever
    /// they appear (also after `pods`), and ArgumentParser hands its decoded `AgentOptions` to an option group of
    /// the same type here. Hidden from `pods --help`, which documents the two flags in its discussion.
    @OptionGroup(visibility: .private) var agent: AgentOptions

    @Option(name: [.customShort("o"), .customLong("output")], help: "Output format: wide or json.")
    var output: OutputFormat?

    @Flag(help: "Also list every container: state, reason, restarts, start time and ID.")
    var containers = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case wide
        case json
    }

    var healthzPort: Int { self.agent.healthzPort ?? 10248 }
    var healthzBindAddress: String { self.agent.healthzBindAddress ?? "127.0.0.1" }

    func validate() throws {
        guard (1...65535).contains(self.healthzPort) else {
            throw ValidationError("invalid --healthz-port \(self.healthzPort): expected a port from 1 to 65535")
        }
    }

    func run() async throws {
        let url = Self.podsURL(bindAddress: self.healthzBindAddress, port: self.healthzPort)
        let body = try await Self.fetch(url)
        if self.output == .json {
            print(String(decoding: body, as: UTF8.self))
            return
        }
        let list: PodListView
        do {
            list = try JSONDecoder().decode(PodListView.self, from: body)
        } catch {
            throw CommandError("error: \(url) did not answer a PodList: \(error)")
        }
        let now = Int64(Date().timeIntervalSince1970)
        let options = PodTable.Options(wide: self.output == .wide, containers: self.containers)
        print(PodTable.render(list, now: now, options: options), terminator: "")
    }

    /// The `/pods` URL of an agent listening on `bindAddress` (a wildcard address is reached through loopback).
    static func podsURL(bindAddress: String, port: Int) -> String {
        var host = bindAddress
        if host.isEmpty || host == "0.0.0.0" { host = "127.0.0.1" }
        if host == "::" { host = "::1" }
        if host.contains(":") { host = "[\(host)]" }
        return "http://\(host):\(port)/pods"
    }

    static func fetch(_ url: String) async throws -> Data {
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(15))
        } catch {
            let text = "\(error)".lowercased()
            if text.contains("refused") {
                throw CommandError("cannot reach node-agent at \(url): connection refused; is the agent running?")
            }
            throw CommandError("cannot reach node-agent at \(url): \(error)")
        }
        let body = try await response.body.collect(upTo: 64 << 20)
        guard response.status == .ok else {
            let text = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
            throw CommandError("node-agent at \(url) answered \(response.status.code): \(text)")
        }
        return Data(body.readableBytesView)
    }
}

