import Foundation
import KubeAPI
import ServiceProxy
import Synchronization

/// Services and EndpointSlices as manifests, for the sync, apply and source tests.
enum SyncFixtures {
    static func serviceYAML(
        _ name: String, ip: String, port: Int = 80, protocol proto: String = "TCP", nodePort: Int? = nil,
        clientIPAffinity: Bool = false, namespace: String = "default"
    ) -> String {
        var text = """
            apiVersion: v1
            kind: Service
            metadata:
              name: \(name)
              namespace: \(namespace)
            spec:
              type: \(nodePort == nil ? "ClusterIP" : "NodePort")
              clusterIP: \(ip)
              ports:
              - port: \(port)
                protocol: \(proto)
                targetPort: 8080

            """
        if let nodePort { text += "    nodePort: \(nodePort)\n" }
        if clientIPAffinity { text += "  sessionAffinity: ClientIP\n" }
        return text
    }

    static func sliceYAML(
        _ name: String, service: String, endpoints: [String], port: Int = 8080, protocol proto: String = "TCP",
        namespace: String = "default", ready: Bool = true
    ) -> String {
        var text = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: \(name)
              namespace: \(namespace)
              labels:
                kubernetes.io/service-name: \(service)
            addressType: IPv4
            ports:
            - port: \(port)
              protocol: \(proto)
            endpoints:

            """
        if endpoints.isEmpty { text = text.replacingOccurrences(of: "endpoints:\n", with: "endpoints: []\n") }
        for ip in endpoints {
            text += "- addresses: [\"\(ip)\"]\n  conditions: {ready: \(ready)}\n"
        }
        return text
    }

    static func service(_ yaml: String) -> Service {
        let decoded = ServiceManifestDecoding.decode(Data(yaml.utf8), source: "fixture")
        precondition(decoded.errors.isEmpty && decoded.services.count == 1, "bad fixture: \(decoded.errors)")
        return decoded.services[0]
    }

    static func slice(_ yaml: String) -> EndpointSlice {
        let decoded = ServiceManifestDecoding.decode(Data(yaml.utf8), source: "fixture")
        precondition(decoded.errors.isEmpty && decoded.slices.count == 1, "bad fixture: \(decoded.errors)")
        return decoded.slices[0]
    }
}

/// Records the proxy's commands and answers them as a kernel would, with switches for failures.
final class FakeCommandRunner: CommandRunner {
    struct State {
        var commands: [[String]] = []
        var restoreInputs: [String] = []
        var failRestores = 0
        var canaryPresent = true
        var natSave = "*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n"
    }

    let state = Mutex(State())

    func run(_ arguments: [String], stdin: Data?) async throws -> CommandResult {
        self.state.withLock { state in
            state.commands.append(arguments)
            switch arguments[0] {
            case "iptables-restore":
                state.restoreInputs.append(String(decoding: stdin ?? Data(), as: UTF8.self))
                if state.failRestores > 0 {
                    state.failRestores -= 1
                    return CommandResult(status: 2, stderr: "iptables-restore: line 3 failed\n")
                }
                state.canaryPresent = true
                return CommandResult(status: 0)
            case "iptables-save":
                return CommandResult(status: 0, stdout: state.natSave)
            case "iptables" where arguments.contains("-S"):
                return CommandResult(status: state.canaryPresent ? 0 : 1)
            case "iptables" where arguments.contains("-C"):
                return CommandResult(status: 1)
            default:
                return CommandResult(status: 0)
            }
        }
    }

    var commands: [[String]] { self.state.withLock { $0.commands } }
    var restoreInputs: [String] { self.state.withLock { $0.restoreInputs } }

    func reset() {
        self.state.withLock { state in
            state.commands = []
            state.restoreInputs = []
        }
    }
}
