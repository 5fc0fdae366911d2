import AgentTestKit
import Foundation
import KubeAPI
import Logging
import NIOHTTP1
import StaticPods
import Testing

@Suite struct ManifestURLSourceTests {
    func source(_ server: TestHTTPServer) -> ManifestURLSource {
        ManifestURLSource(
            url: server.url, nodeName: "node-a", httpCheckFrequency: .milliseconds(50), requestTimeout: .seconds(2),
            logger: Logger(label: "test")
        )
    }

    @Test func servesPodThenListThenKeepsLastGoodOnErrors() async throws {
        let server = try await TestHTTPServer()
        server.set(manifest("web"))
        let source = self.source(server)
        try await withRunning(source) {
            let first = try await poll("single pod", timeout: .seconds(10)) {
                source.current.flatMap { $0.pods.map(\.metadata.name) == ["web-node-a"] ? $0 : nil }
            }
            #expect(first.pods[0].metadata.annotations["kubernetes.io/config.source"] == "http")
            #expect(first.pods[0].spec.tolerations.isEmpty)

            let list = """
                apiVersion: v1
                kind: PodList
                items:
                - metadata: {name: a}
                  spec: {containers: [{name: c, image: busybox}]}
                - metadata: {name: b}
                  spec: {containers: [{name: c, image: busybox}]}
                """
            server.set(list)
            _ = try await poll("pod list", timeout: .seconds(10)) {
                source.current?.pods.map(\.metadata.name) == ["a-node-a", "b-node-a"] ? true : nil
            }

            server.set("boom", status: .internalServerError)
            let failed = try await poll("HTTP error reported", timeout: .seconds(10)) {
                source.current.flatMap { $0.errors.isEmpty ? nil : $0 }
            }
            #expect(failed.pods.map(\.metadata.name) == ["a-node-a", "b-node-a"])
            #expect(failed.errors[0].path == server.url)
            #expect(failed.errors[0].message.contains("HTTP 500"), "\(failed.errors)")

            server.set("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: c}]}\n")
            let invalid = try await poll("invalid pod reported", timeout: .seconds(10)) {
                source.current.flatMap { snapshot in
                    snapshot.errors.first?.message.contains("spec.containers[0].image") == true ? snapshot : nil
                }
            }
            #expect(invalid.pods.count == 2)

            server.set("")
            _ = try await poll("empty body is an empty set", timeout: .seconds(10)) {
                source.current.flatMap { $0.pods.isEmpty && $0.errors.isEmpty ? true : nil }
            }
        }
        try await server.shutdown()
    }

    @Test func unreachableURLIsReported() async throws {
        let server = try await TestHTTPServer()
        let source = self.source(server)
        try await server.shutdown()
        try await withRunning(source) {
            let snapshot = try await poll("connection error", timeout: .seconds(10)) {
                source.current.flatMap { $0.errors.isEmpty ? nil : $0 }
            }
            #expect(snapshot.pods.isEmpty)
            #expect(snapshot.errors[0].message.hasPrefix("GET failed"))
        }
    }
}
