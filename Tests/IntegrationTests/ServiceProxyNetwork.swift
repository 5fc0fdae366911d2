import AgentTestKit
import Foundation

/// A small network of namespaces for the service proxy's tests, all created by the test and deleted afterwards
/// (also after a failure): a "node" namespace holding the proxy's rules and routing, a client namespace and
/// backend namespaces, each joined to the node by a veth pair. The host's own namespace is never touched.
///
/// ```
///  client 10.77.0.2 ── 10.77.0.1 node 10.78.1.1 ── 10.78.1.2 b1   (socat servers: TCP 8080, UDP 5353)
///                                     10.78.2.1 ── 10.78.2.2 b2
///                                     10.78.3.1 ── 10.78.3.2 b3
/// ```
final class ServiceProxyNetwork: @unchecked Sendable {
    let prefix: String
    let backendCount: Int
    private var processes: [Process] = []
    private(set) var agent: Process?
    let manifestDirectory: String
    let logPath: String

    var node: String { self.prefix + "-node" }
    var client: String { self.prefix + "-cli" }
    /// The node's uplink: its default route, so traffic the rules do not take reaches FORWARD, as on a real node.
    var uplink: String { self.prefix + "-up" }
    func backend(_ index: Int) -> String { self.prefix + "-b\(index)" }
    func backendIP(_ index: Int) -> String { "10.78.\(index).2" }
    let nodeIP = "10.77.0.1"
    let clientIP = "10.77.0.2"

    var namespaces: [String] { [self.node, self.client, self.uplink] + (1...self.backendCount).map(self.backend) }

    /// Creates the namespaces, links and routes, and starts each backend's servers (TCP 8080 and UDP 5353 answer
    /// with the backend's name, `b1`, `b2`, ...).
    init(backends: Int = 3) throws {
        self.prefix = "nasp" + String(UUID().uuidString.lowercased().prefix(6))
        self.backendCount = backends
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("node-agent-proxy-\(self.prefix)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        self.manifestDirectory = root.appendingPathComponent("services").path
        try FileManager.default.createDirectory(atPath: self.manifestDirectory, withIntermediateDirectories: true)
        self.logPath = root.appendingPathComponent("agent.log").path
        do {
            try self.build()
        } catch {
            self.tearDown()
            throw error
        }
    }

    private func build() throws {
        for namespace in self.namespaces {
            try Self.sh("ip netns add \(namespace)")
            try Self.sh("ip -n \(namespace) link set lo up")
        }
        try Self.sh("ip netns exec \(self.node) sysctl -qw net.ipv4.ip_forward=1")
        try self.link(self.client, address: self.clientIP, nodeAddress: self.nodeIP, subnet: "10.77.0", tag: "c")
        try self.link(self.uplink, address: "10.79.0.2", nodeAddress: "10.79.0.1", subnet: "10.79.0", tag: "u")
        try Self.sh("ip -n \(self.node) route add default via 10.79.0.2")
        for index in 1...self.backendCount {
            try self.link(
                self.backend(index), address: self.backendIP(index), nodeAddress: "10.78.\(index).1",
                subnet: "10.78.\(index)", tag: "b\(index)")
            try self.startServer(in: self.backend(index), name: "b\(index)")
        }
    }

    private func link(_ namespace: String, address: String, nodeAddress: String, subnet: String, tag: String) throws {
        let inside = "veth0"
        let outside = "\(tag)-\(self.prefix.suffix(6))"
        try Self.sh("ip link add \(outside) netns \(self.node) type veth peer name \(inside) netns \(namespace)")
        try Self.sh("ip -n \(self.node) addr add \(nodeAddress)/24 dev \(outside)")
        try Self.sh("ip -n \(self.node) link set \(outside) up")
        try Self.sh("ip -n \(namespace) addr add \(address)/24 dev \(inside)")
        try Self.sh("ip -n \(namespace) link set \(inside) up")
        try Self.sh("ip -n \(namespace) route add default via \(nodeAddress)")
    }

    /// Runs a command with no signal blocked: a child of this process inherits the spawning (dispatch) thread's
    /// mask, which blocks SIGCHLD, and a forking socat then never reaps its children and stops serving.
    static let unblockSignals = [
        "perl", "-MPOSIX", "-e", "sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die; exec @ARGV or die",
    ]

    private func startServer(in namespace: String, name: String) throws {
        try self.spawn(namespace, Self.unblockSignals + ["socat", "TCP-LISTEN:8080,fork,reuseaddr", "SYSTEM:echo \(name)"])
        // Each datagram gets a child with a socket connected to the sender; -T0.2 ends it soon, or it would swallow
        // the sender's next datagram (same 4-tuple) after its answer.
        try self.spawn(
            namespace, Self.unblockSignals + ["socat", "-T0.2", "UDP-RECVFROM:5353,fork,reuseaddr", "SYSTEM:echo \(name)"])
    }

    @discardableResult
    private func spawn(_ namespace: String, _ arguments: [String], log: FileHandle? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "exec", namespace] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log ?? FileHandle.nullDevice
        process.standardError = log ?? FileHandle.nullDevice
        try process.run()
        self.processes.append(process)
        return process
    }

    /// Starts the real `node-agent` binary inside the node namespace on ``manifestDirectory``: proxy only, or with
    /// `kubeletHalf`'s flags for the kubelet half.
    func startAgent(kubeletHalf: [String]? = nil, extraArguments: [String] = []) throws {
        if !FileManager.default.fileExists(atPath: self.logPath) {
            FileManager.default.createFile(atPath: self.logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: self.logPath))
        log.seekToEndOfFile()
        self.agent = try self.spawn(
            self.node,
            [
                AgentProcess.binary, "--service-manifest-path", self.manifestDirectory,
                "--hostname-override", "it-node", "--node-ip", self.nodeIP, "--v", "2",
            ] + (kubeletHalf ?? ["--disable-kubelet"]) + extraArguments,
            log: log)
    }

    var agentLog: String { (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? "" }

    /// Writes a manifest atomically (temp file, then rename), as config tools do.
    func write(_ name: String, _ text: String) throws {
        let temporary = self.manifestDirectory + "/." + name + ".tmp"
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, self.manifestDirectory + "/" + name) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
    }

    /// One TCP request from the client namespace: the backend's answer, or the client's error.
    func tcp(_ address: String, port: Int, connectTimeout: Int = 3) -> Result<String, RequestError> {
        self.request(["socat", "-T3", "-", "TCP:\(address):\(port),connect-timeout=\(connectTimeout)"], input: "")
    }

    /// A UDP datagram from the client namespace (from `sourcePort` when given) and its answer. Sent up to
    /// `attempts` times while nothing answers, as a DNS client retries (a datagram that arrives while the backend's
    /// previous child for the same sender is still ending is lost).
    func udp(_ address: String, port: Int, sourcePort: Int? = nil, attempts: Int = 4) -> Result<String, RequestError> {
        let source = sourcePort.map { ",sourceport=\($0),reuseaddr" } ?? ""
        var last: Result<String, RequestError> = .failure(RequestError(status: -1, stderr: "not sent"))
        for _ in 0..<attempts {
            last = self.request(["socat", "-T1", "-t1", "-", "UDP:\(address):\(port)\(source)"], input: "ping\n")
            if case .success = last { return last }
        }
        return last
    }

    struct RequestError: Error, CustomStringConvertible {
        var status: Int32
        var stderr: String
        var description: String { "exit \(self.status): \(self.stderr)" }
    }

    private func request(_ arguments: [String], input: String) -> Result<String, RequestError> {
        let result = Self.run(["ip", "netns", "exec", self.client] + arguments, input: input)
        let answer = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if result.status == 0 && !answer.isEmpty { return .success(answer) }
        return .failure(RequestError(status: result.status, stderr: result.stderr))
    }

    /// `count` TCP requests; the answers (errors as `error: ...`).
    func tcpAnswers(_ address: String, port: Int, count: Int) -> [String] {
        (0..<count).map { _ in
            switch self.tcp(address, port: port) {
            case .success(let answer): answer
            case .failure(let error): "error: \(error)"
            }
        }
    }

    /// The proxy's `/metrics` (from inside the node namespace).
    func proxyMetrics() -> String {
        Self.run(
            ["ip", "netns", "exec", self.node, "socat", "-t5", "-", "TCP:127.0.0.1:10249,shut-none"],
            input: "GET /metrics HTTP/1.0\r\n\r\n"
        ).stdout
    }

    /// A GET of the proxy's health server (from inside the node namespace): status line and body.
    func proxyHealth(_ path: String) -> String {
        Self.run(
            ["ip", "netns", "exec", self.node, "socat", "-t5", "-", "TCP:127.0.0.1:10256,shut-none"],
            input: "GET \(path) HTTP/1.0\r\n\r\n"
        ).stdout
    }

    /// Waits until the proxy finished a sync (rules written, conntrack cleaned).
    func waitForFirstSync() async throws {
        _ = try await poll("the proxy's first sync", timeout: .seconds(20), interval: .milliseconds(100)) {
            self.proxyMetrics().split(separator: "\n").contains {
                $0.hasPrefix("kubeproxy_sync_proxy_rules_last_timestamp_seconds ") && !$0.hasSuffix(" 0")
            } ? true : nil
        }
    }

    /// The node namespace's conntrack entries of UDP flows DNATed to `ip`.
    func conntrackUDP(natTo ip: String) -> String {
        Self.run(["ip", "netns", "exec", self.node, "conntrack", "-L", "-p", "udp", "--dst-nat", ip]).stdout
    }

    /// Stops the agent (SIGTERM, then SIGKILL after 5 s), kills everything else in the namespaces, and deletes them
    /// (their veth pairs go with them). Safe to call after a failure half-way through ``init``.
    func tearDown() {
        if ProcessInfo.processInfo.environment["PROXY_IT_KEEP"] == "1" { return }
        if let agent = self.agent, agent.isRunning {
            agent.terminate()
            let deadline = Date().addingTimeInterval(5)
            while agent.isRunning && Date() < deadline { usleep(20_000) }
        }
        for namespace in self.namespaces {
            let pids = Self.run(["ip", "netns", "pids", namespace]).stdout.split(separator: "\n")
            for pid in pids { if let pid = Int32(pid) { kill(pid, SIGKILL) } }
        }
        for process in self.processes {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        self.processes = []
        for namespace in self.namespaces {
            _ = Self.run(["ip", "netns", "del", namespace])
        }
    }

    // MARK: processes

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], input: String? = nil) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sp-\(UUID().uuidString)")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("sp-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        guard let outHandle = try? FileHandle(forWritingTo: out), let errHandle = try? FileHandle(forWritingTo: err)
        else { return Output(status: -1, stdout: "", stderr: "cannot create output files") }
        process.standardOutput = outHandle
        process.standardError = errHandle
        let pipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : pipe
        do { try process.run() } catch { return Output(status: -1, stdout: "", stderr: "\(error)") }
        if let input {
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try? pipe.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        try? outHandle.close()
        try? errHandle.close()
        return Output(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    static func sh(_ command: String) throws {
        let output = Self.run(["sh", "-c", command])
        guard output.status == 0 else {
            throw SetupError(command: command, message: output.stderr)
        }
    }

    struct SetupError: Error, CustomStringConvertible {
        var command: String
        var message: String
        var description: String { "`\(self.command)` failed: \(self.message)" }
    }
}
