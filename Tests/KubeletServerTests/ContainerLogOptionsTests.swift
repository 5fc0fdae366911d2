import KubeAPI
import KubeletServer
import Testing

@Suite("containerLogs query and instance resolution")
struct ContainerLogOptionsTests {
    func options(_ query: [(String, String)]) throws(ContainerLogOptions.Rejection) -> ContainerLogOptions {
        try ContainerLogOptions(query: query.map { (name: $0.0, value: $0.1) })
    }

    @Test func decodesAsTheKubeletDoes() throws {
        let decoded = try self.options([
            ("follow", "true"), ("previous", ""), ("timestamps", "0"), ("tailLines", "5"), ("limitBytes", "100"),
            ("sinceTime", "2024-01-01T00:00:02Z"),
        ])
        #expect(decoded.follow)
        #expect(decoded.previous)  // present without a value: true
        #expect(!decoded.timestamps)
        #expect(decoded.tailLines == 5)
        #expect(decoded.limitBytes == 100)
        #expect(decoded.sinceTime == LogTimestamp(parsing: "2024-01-01T00:00:02Z"))
        // The old `tail` parameter; `all` means everything.
        #expect(try self.options([("tail", "3")]).tailLines == 3)
        #expect(try self.options([("tail", "all"), ("tailLines", "3")]).tailLines == nil)
    }

    @Test func refusesWithUpstreamsStatusAndBody() {
        #expect(throws: ContainerLogOptions.Rejection(status: 400, message: #"{"message": "Unable to decode query."}"#))
        {
            try self.options([("tailLines", "x")])
        }
        let invalid = ContainerLogOptions.Rejection(status: 422, message: #"{"message": "Invalid request."}"#)
        #expect(throws: invalid) { try self.options([("tailLines", "-1")]) }
        #expect(throws: invalid) { try self.options([("limitBytes", "0")]) }
        #expect(throws: invalid) { try self.options([("sinceSeconds", "0")]) }
        #expect(throws: invalid) { try self.options([("sinceSeconds", "5"), ("sinceTime", "2024-01-01T00:00:02Z")]) }
    }

    @Test func sinceSecondsCountsFromNow() throws {
        let now = try #require(LogTimestamp(parsing: "2024-01-01T00:01:00Z"))
        #expect(
            try self.options([("sinceSeconds", "30")]).since(now: now) == LogTimestamp(parsing: "2024-01-01T00:00:30Z"))
        #expect(try self.options([]).since(now: now) == nil)
    }

    func pod(_ status: ContainerStatus) -> Pod {
        var pod = Pod(metadata: ObjectMeta(name: "web", namespace: "ns", uid: "u1"))
        pod.spec.containers = [Container(name: "c")]
        var podStatus = PodStatus()
        podStatus.containerStatuses = [status]
        pod.status = podStatus
        return pod
    }

    func status(restarts: Int32, state: ContainerState, last: ContainerState? = nil) -> ContainerStatus {
        var status = ContainerStatus(name: "c")
        status.restartCount = restarts
        status.state = state
        status.lastState = last
        return status
    }

    @Test func picksTheInstanceAndItsFile() throws {
        let terminated = ContainerState(terminated: ContainerStateTerminated(exitCode: 1))
        let running = self.pod(
            self.status(restarts: 2, state: ContainerState(running: ContainerStateRunning()), last: terminated))
        let current = try ContainerLogTarget.resolve(
            pod: running, container: "c", previous: false, podLogsDirectory: "/logs")
        #expect(current.path == "/logs/ns_web_u1/c/2.log")
        #expect(current.isRunning(in: running))
        let previous = try ContainerLogTarget.resolve(
            pod: running, container: "c", previous: true, podLogsDirectory: "/logs")
        #expect(previous.path == "/logs/ns_web_u1/c/1.log")
        #expect(!previous.isRunning(in: running))
        // Waiting in back-off: the last terminated instance is the newest file, for both.
        let backOff = self.pod(
            self.status(
                restarts: 3, state: ContainerState(waiting: ContainerStateWaiting(reason: "CrashLoopBackOff")),
                last: terminated))
        #expect(
            try ContainerLogTarget.resolve(pod: backOff, container: "c", previous: false, podLogsDirectory: "/l")
                .instance == 3)
        #expect(
            try ContainerLogTarget.resolve(pod: backOff, container: "c", previous: true, podLogsDirectory: "/l")
                .instance == 3)
    }

    @Test func explainsWhyThereAreNoLogs() {
        let creating = self.pod(
            self.status(restarts: 0, state: ContainerState(waiting: ContainerStateWaiting(reason: "ContainerCreating")))
        )
        #expect(throws: ContainerLogError("container \"c\" in pod \"web\" is waiting to start: ContainerCreating")) {
            try ContainerLogTarget.resolve(pod: creating, container: "c", previous: false, podLogsDirectory: "/l")
        }
        let pulling = self.pod(
            self.status(restarts: 0, state: ContainerState(waiting: ContainerStateWaiting(reason: "ImagePullBackOff"))))
        #expect(
            throws: ContainerLogError(
                "container \"c\" in pod \"web\" is waiting to start: trying and failing to pull image")
        ) {
            try ContainerLogTarget.resolve(pod: pulling, container: "c", previous: false, podLogsDirectory: "/l")
        }
        let fresh = self.pod(self.status(restarts: 0, state: ContainerState(running: ContainerStateRunning())))
        #expect(throws: ContainerLogError("previous terminated container \"c\" in pod \"web\" not found")) {
            try ContainerLogTarget.resolve(pod: fresh, container: "c", previous: true, podLogsDirectory: "/l")
        }
        #expect(throws: ContainerLogError("container \"other\" in pod \"web\" is not available")) {
            try ContainerLogTarget.resolve(pod: fresh, container: "other", previous: false, podLogsDirectory: "/l")
        }
    }
}
