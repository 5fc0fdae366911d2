import AgentTestKit
import CRIClient
import Foundation
import KubeAPI
@testable import PodSandbox
import Synchronization
import Testing

/// Records httpGet hook requests and answers with a fixed status.
final class FakeHookHTTPClient: HookHTTPClient {
    let requests = Mutex<[String]>([])
    let status: Int

    init(status: Int) {
        self.status = status
    }

    func get(
        scheme: String,
        host: String,
        port: Int,
        path: String,
        headers: [HTTPHeader],
        timeout: Duration
    ) async throws -> Int {
        self.requests.withLock { $0.append("\(scheme) \(host):\(port)\(path)") }
        return self.status
    }
}

@Suite struct SyncerHookTests {
    private func container() -> Container {
        var container = Container(name: "web", image: "docker.io/library/busybox:1.36")
        container.ports = [ContainerPort(name: "http", containerPort: 8080)]
        container.lifecycle = Lifecycle(
            preStop: LifecycleHandler(httpGet: HTTPGetAction(path: "shutdown", port: .string("http")))
        )
        return container
    }

    @Test(arguments: [(204, true), (500, false)])
    func httpGetHookGoesToThePodIPAndNamedPort(status: Int, succeeds: Bool) async throws {
        let client = FakeHookHTTPClient(status: status)
        let runner = LifecycleHookRunner(runtime: FakeContainerRuntime(), http: client)
        let pod = PlannerFixtures.pod()
        var failure: HookFailure?
        do throws(HookFailure) {
            try await runner.run(
                self.container().lifecycle!.preStop!,
                hook: "PreStop",
                containerID: "c1",
                container: self.container(),
                pod: pod,
                podIP: "10.88.0.7",
                timeout: .seconds(5)
            )
        } catch {
            failure = error
        }
        #expect(client.requests.withLock { $0 } == ["HTTP 10.88.0.7:8080/shutdown"])
        #expect((failure == nil) == succeeds)
        if let failure { #expect(failure.message.contains("HTTP status code 500")) }
    }

    @Test func socketClientReportsARefusedConnection() async {
        await #expect(throws: (any Error).self) {
            _ = try await SocketHookHTTPClient().get(
                scheme: "HTTP",
                host: "127.0.0.1",
                port: 1,
                path: "/",
                headers: [],
                timeout: .seconds(2)
            )
        }
        await #expect(throws: (any Error).self) {
            _ = try await SocketHookHTTPClient().get(
                scheme: "HTTPS",
                host: "127.0.0.1",
                port: 443,
                path: "/",
                headers: [],
                timeout: .seconds(2)
            )
        }
    }

    @Test(arguments: [
        (IntOrString.int(80), Int?.some(80)), (.string("http"), 8080), (.string("9090"), 9090), (.string("x"), nil),
    ])
    func portResolution(port: IntOrString, expected: Int?) {
        #expect(LifecycleHookRunner.resolvePort(port, container: self.container()) == expected)
    }
}
