import Foundation
import KubeAPI
import Testing

/// The example static pods under `deploy/manifests` decode and validate, and use only the offline images.
@Suite("Example manifests")
struct ExampleManifestsTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/manifests")

    @Test(arguments: ["web.yaml", "shared-volume.yaml", "init-demo.yaml"])
    func decodesAndValidates(file: String) throws {
        let path = Self.directory.appendingPathComponent(file)
        let pod = try ManifestDecoding.decodePod(try Data(contentsOf: path), source: path.path)
        let containers = pod.spec.containers + pod.spec.initContainers
        #expect(!containers.isEmpty)
        for container in containers {
            #expect(container.image == "docker.io/library/busybox:1.36", "\(file): \(container.name)")
            #expect(container.imagePullPolicy == .ifNotPresent, "\(file): \(container.name)")
        }
    }
}
