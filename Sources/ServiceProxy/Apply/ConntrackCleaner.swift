import Foundation

/// Clears the conntrack entries that would keep UDP traffic on a removed endpoint (UDP has no connection to end,
/// so an entry lives on as long as the client keeps sending, and DNS-like services would blackhole). Upstream's
/// pre-1.32 event-based cleanup, with the `conntrack` tool:
///
/// - an endpoint that left a UDP service port: entries to each of the service's IPs (cluster, external, load
///   balancer) DNATed to it, and entries to its node port DNATed to it;
/// - a UDP service port that had no endpoints and now has some: every entry to its IPs and node port (they were
///   rejected, or would stick to no endpoint).
///
/// ```swift
/// let deletions = ConntrackCleaner.deletions(for: batch.udpChanges)
/// await cleaner.run(deletions)
/// ```
public struct ConntrackCleaner: Sendable {
    public let runner: any CommandRunner
    public var conntrack: String

    public init(runner: any CommandRunner, conntrack: String = "conntrack") {
        self.runner = runner
        self.conntrack = conntrack
    }

    /// One `conntrack -D` filter.
    public struct Deletion: Hashable, Sendable, Comparable, CustomStringConvertible {
        /// The original destination IP (a service IP), or nil for node-port entries.
        public var originalDestination: IPv4Address?
        /// The original destination port (a node port), or nil.
        public var originalDestinationPort: Int?
        /// The endpoint the entry was DNATed to, or nil for every entry.
        public var natDestination: IPv4Address?

        public init(originalDestination: IPv4Address? = nil, originalDestinationPort: Int? = nil, natDestination: IPv4Address? = nil) {
            self.originalDestination = originalDestination
            self.originalDestinationPort = originalDestinationPort
            self.natDestination = natDestination
        }

        /// The `conntrack` arguments after `-D`.
        public var arguments: [String] {
            var arguments = ["-p", "udp"]
            if let ip = self.originalDestination { arguments += ["--orig-dst", ip.description] }
            if let port = self.originalDestinationPort { arguments += ["--orig-port-dst", String(port)] }
            if let ip = self.natDestination { arguments += ["--dst-nat", ip.description] }
            return arguments
        }

        public var description: String { self.arguments.joined(separator: " ") }

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }
    }

    /// The deletions a sync's UDP changes call for.
    public static func deletions(for changes: [ProxyInputs.UDPChange]) -> [Deletion] {
        var result: Set<Deletion> = []
        for change in changes {
            // Endpoints that carried traffic before (ready, or serving while terminating) and do not now.
            let before = Set(change.endpointsBefore.filter { $0.ready || $0.serving }.map(\.ip))
            let after = Set(change.endpointsAfter.filter { $0.ready || $0.serving }.map(\.ip))
            let removed = before.subtracting(after)
            if let info = change.before {
                let ips = [info.clusterIP] + info.externalIPs + info.loadBalancerVIPs
                for endpoint in removed {
                    for ip in ips { result.insert(Deletion(originalDestination: ip, natDestination: endpoint)) }
                    if info.nodePort > 0 {
                        result.insert(Deletion(originalDestinationPort: info.nodePort, natDestination: endpoint))
                    }
                }
            }
            if before.isEmpty && !after.isEmpty, let info = change.after {
                for ip in [info.clusterIP] + info.externalIPs + info.loadBalancerVIPs {
                    result.insert(Deletion(originalDestination: ip))
                }
                if info.nodePort > 0 { result.insert(Deletion(originalDestinationPort: info.nodePort)) }
            }
        }
        return result.sorted()
    }

    /// Runs each deletion; returns the ones that failed (with the tool's message). Finding no entry is not a failure.
    public func run(_ deletions: [Deletion]) async -> [(Deletion, String)] {
        var failures: [(Deletion, String)] = []
        for deletion in deletions {
            do {
                let result = try await self.runner.run([self.conntrack, "-D"] + deletion.arguments, stdin: nil)
                // conntrack exits 1 with "0 flow entries have been deleted" when nothing matched.
                if result.status != 0 && !result.stderr.contains("0 flow entries") {
                    failures.append((deletion, result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))
                }
            } catch {
                failures.append((deletion, "\(error)"))
            }
        }
        return failures
    }
}
