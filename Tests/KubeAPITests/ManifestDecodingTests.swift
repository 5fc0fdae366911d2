import Foundation
import KubeAPI
import Testing

@Suite struct ManifestDecodingTests {
    static let web = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          labels:
            app: web
        spec:
          containers:
          - name: web
            image: busybox:latest
            command: ["httpd", "-f"]
            ports:
            - containerPort: 80
              hostPort: 8080
              protocol: TCP
            env:
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
            resources:
              limits: {cpu: 500m, memory: 64Mi}
              requests:
                cpu: 0.25
            livenessProbe:
              httpGet: {path: /, port: 80}
              periodSeconds: 5
            readinessProbe:
              tcpSocket: {port: http}
            volumeMounts:
            - {name: data, mountPath: /data}
          volumes:
          - name: data
            emptyDir: {medium: Memory, sizeLimit: 16Mi}
          unknownField: ignored
        """

    @Test func decodesYAML() throws {
        let pod = try ManifestDecoding.decodePod(Data(Self.web.utf8), source: "web.yaml")
        #expect(pod.metadata.name == "web")
        #expect(pod.metadata.labels == ["app": "web"])
        let container = try #require(pod.spec.containers.first)
        #expect(container.command == ["httpd", "-f"])
        #expect(container.ports == [ContainerPort(hostPort: 8080, containerPort: 80, protocol: .tcp)])
        #expect(container.env.first?.valueFrom?.fieldRef?.fieldPath == "status.podIP")
        #expect(container.resources?.limits["cpu"]?.milliValue == 500)
        #expect(container.resources?.requests["cpu"]?.milliValue == 250)
        #expect(container.livenessProbe?.httpGet?.port == .int(80))
        #expect(container.readinessProbe?.tcpSocket?.port == .string("http"))
        #expect(pod.spec.volumes.first?.emptyDir?.medium == .memory)
    }

    @Test func yamlOctalModesAndTimestamps() throws {
        let yaml = Self.header + "  - name: web\n    image: busybox\n"
            + "  volumes:\n  - name: cfg\n    configMap: {name: cfg, defaultMode: 0644}\n"
        let pod = try ManifestDecoding.decodePod(Data(yaml.utf8), source: "x.yaml", validate: false)
        #expect(pod.spec.volumes.first?.configMap?.defaultMode == 420)
        let meta = try ManifestDecoding.decode(
            ObjectMeta.self, from: Data("name: a\ncreationTimestamp: 2023-11-14T22:13:20Z\n".utf8), source: "m"
        )
        #expect(meta.creationTimestamp == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func jsonRoundTrip() throws {
        let pod = try ManifestDecoding.decodePod(Data(Self.web.utf8), source: "web.yaml")
        let json = try KubeJSON.encoder(sorted: true).encode(pod)
        let again = try ManifestDecoding.decodePod(json, source: "web.json")
        #expect(again == pod)
        let text = String(decoding: json, as: UTF8.self)
        #expect(!text.contains("initContainers"))
        #expect(!text.contains("null"))
        #expect(text.contains(#""cpu":"500m""#))
    }

    @Test func decodesTabIndentedJSON() throws {
        let json = "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n\t\"metadata\": {\"name\": \"a\"},\n"
            + "\t\"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"busybox\"}]}\n}\n"
        let pod = try ManifestDecoding.decodePod(Data(json.utf8), source: "a.json")
        #expect(pod.spec.containers.first?.name == "c")
    }

    @Test func statusTimesRoundTrip() throws {
        let started = Date(timeIntervalSince1970: 1_700_000_000)
        var pod = Pod(metadata: ObjectMeta(name: "a"))
        pod.status = PodStatus(
            phase: .running,
            containerStatuses: [
                ContainerStatus(
                    name: "c", state: ContainerState(running: ContainerStateRunning(startedAt: started)), ready: true
                )
            ]
        )
        let data = try KubeJSON.encoder().encode(pod)
        #expect(String(decoding: data, as: UTF8.self).contains("2023-11-14T22:13:20Z"))
        let decoded = try KubeJSON.decoder().decode(Pod.self, from: data)
        #expect(decoded == pod)
        #expect(RFC3339.formatNano(started.addingTimeInterval(0.5)) == "2023-11-14T22:13:20.5Z")
    }

    @Test(arguments: [
        ("2023-11-14T22:13:20Z", 1_700_000_000.0),
        ("2023-11-14T22:13:20.5Z", 1_700_000_000.5),
        ("2023-11-14T22:13:20.123456789Z", 1_700_000_000.123456789),
        ("2023-11-14T23:13:20+01:00", 1_700_000_000.0),
    ])
    func parsesRFC3339(text: String, seconds: Double) throws {
        let date = try #require(RFC3339.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6)
    }

    @Test func nanoFormatRoundTrips() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        #expect(RFC3339.parse(RFC3339.formatNano(date)) == date)
        #expect(RFC3339.parse("yesterday") == nil)
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var yaml: String
        var field: String?
        var line: Int?
        var contains: String
        var testDescription: String { self.contains }
    }

    static let header = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"

    @Test(arguments: [
        BadCase(
            yaml: header + "  - name: web\n    image: busybox\n    ports:\n    - containerPort: http\n",
            field: "spec.containers[0].ports[0].containerPort", line: 10, contains: "expected an integer, got \"http\""
        ),
        BadCase(
            yaml: header + "  - name: web\n    image: busybox\n    resources:\n      limits:\n        cpu: lots\n",
            field: "spec.containers[0].resources.limits.cpu", line: 11, contains: "invalid quantity \"lots\""
        ),
        BadCase(
            yaml: "apiVersion: apps/v1\nkind: Pod\n", field: "apiVersion", line: 1,
            contains: "Unsupported value: \"apps/v1\": supported values: \"v1\""
        ),
        BadCase(yaml: "apiVersion: v1\nkind: Service\n", field: "kind", line: 2, contains: "Unsupported value"),
        BadCase(yaml: "apiVersion: v1\n", field: "kind", line: nil, contains: "Object 'Kind' is missing"),
        BadCase(yaml: "apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Pod\n", field: nil, line: 4,
            contains: "holds 2 documents"),
        BadCase(yaml: "apiVersion: v1\nkind: Pod\nmetadata: [\n", field: nil, line: 4, contains: "invalid YAML"),
        BadCase(yaml: "", field: nil, line: nil, contains: "empty document"),
        BadCase(
            yaml: header + "  - name: web\n    image: busybox\n  - name: web\n    image: busybox\n",
            field: nil, line: 9, contains: "invalid pod: spec.containers[1].name: Duplicate value: \"web\""
        ),
        BadCase(
            yaml: header + "  - name: web\n    image: busybox\n    stdin: maybe\n", field: "spec.containers[0].stdin",
            line: 9, contains: "expected a boolean"
        ),
    ])
    func reportsFieldAndLine(_ bad: BadCase) {
        do {
            _ = try ManifestDecoding.decodePod(Data(bad.yaml.utf8), source: "/manifests/web.yaml")
            Issue.record("decoded \(bad.yaml)")
        } catch {
            #expect(error.source == "/manifests/web.yaml")
            #expect(error.field?.description == bad.field)
            #expect(error.line == bad.line)
            #expect(error.description.contains(bad.contains), "\(error)")
            #expect(error.description.hasPrefix("/manifests/web.yaml: "))
        }
    }

    @Test func trailingSeparatorIsOneDocument() throws {
        let yaml = "---\n" + Self.header + "  - name: web\n    image: busybox\n---\n"
        let pod = try ManifestDecoding.decodePod(Data(yaml.utf8), source: "x.yaml")
        #expect(pod.metadata.name == "web")
    }

    @Test func decodesPodList() throws {
        let yaml = """
            apiVersion: v1
            kind: PodList
            items:
            - apiVersion: v1
              kind: Pod
              metadata: {name: a}
              spec: {containers: [{name: c, image: busybox}]}
            - metadata: {name: b}
              spec: {containers: [{name: c, image: busybox}]}
            """
        let pods = try ManifestDecoding.decodePods(Data(yaml.utf8), source: "http://x/pods")
        #expect(pods.map(\.metadata.name) == ["a", "b"])
        let single = try ManifestDecoding.decodePods(Data(Self.web.utf8), source: "http://x/pod")
        #expect(single.count == 1)
    }

    @Test func podListValidationNamesTheItem() {
        let yaml = "apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a}\n  spec: {containers: []}\n"
        #expect {
            try ManifestDecoding.decodePods(Data(yaml.utf8), source: "u")
        } throws: { error in
            let fieldErrors = (error as? ManifestDecodingError)?.fieldErrors.map(\.description)
            return fieldErrors == ["items[0].spec.containers: Required value"]
        }
    }
}
