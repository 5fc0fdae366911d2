import Foundation
import KubeAPI
import PodSandbox

/// Helpers for the PodSandbox/Config tests: pods written as JSON, a context, temp directories.
enum ConfigFixtures {
    /// A pod from the JSON of its `spec` (and optional metadata extras).
    static func pod(
        name: String = "web",
        namespace: String = "default",
        uid: String = "uid-1",
        labels: [String: String] = [:],
        annotations: [String: String] = [:],
        spec: String
    ) throws -> Pod {
        let meta: [String: Any] = [
            "name": name, "namespace": namespace, "uid": uid, "labels": labels, "annotations": annotations,
        ]
        let metaJSON = String(decoding: try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys]),
                              as: UTF8.self)
        let json = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":\(metaJSON),\"spec\":\(spec)}"
        return try KubeJSON.decoder().decode(Pod.self, from: Data(json.utf8))
    }

    /// A pod with one container `app` described by the JSON of the container's fields (without `name`).
    static func pod(container: String, podSpec: String = "") throws -> Pod {
        let extra = podSpec.isEmpty ? "" : ", \(podSpec)"
        let fields = container.isEmpty ? "" : ", \(container)"
        return try Self.pod(spec: "{\"containers\":[{\"name\":\"app\",\"image\":\"busybox\"\(fields)}]\(extra)}")
    }

    static let context = PodConfigContext(
        nodeName: "node-1",
        nodeIPs: ["192.168.1.10"],
        clusterDNS: ["10.96.0.10"],
        clusterDomain: "cluster.local",
        podsDirectory: "/var/lib/node-agent/pods",
        memoryCapacity: 8 << 30,
        allocatable: .init(milliCPU: 2000, memoryBytes: 4 << 30, ephemeralStorageBytes: 100 << 30)
    )

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("node-agent-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// A seccomp checker that records what it was asked and fails for the paths it is told to.
struct FakeSeccompChecker: SeccompProfileChecking {
    var failing: [String: String] = [:]

    func check(profilePath path: String) throws(SeccompProfileError) {
        if let message = self.failing[path] { throw SeccompProfileError(path: path, message: message) }
    }
}
