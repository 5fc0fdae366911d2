import Foundation
import KubeAPI
import Testing

@Suite struct KubeletConfigurationTests {
    @Test func defaults() throws {
        let yaml = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
        let resolved = try KubeletConfiguration.decode(Data(yaml.utf8), source: "c.yaml").resolved
        #expect(resolved.fileCheckFrequency == .seconds(20))
        #expect(resolved.httpCheckFrequency == .seconds(20))
        #expect(resolved.healthzPort == 10248)
        #expect(resolved.maxPods == 110)
        #expect(resolved.maxContainerRestartPeriod == .seconds(300))
        #expect(resolved.staticPodPath == nil)
    }

    @Test func readsFields() throws {
        let yaml = """
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            staticPodPath: /etc/kubernetes/manifests
            fileCheckFrequency: 5s
            clusterDNS: [10.96.0.10]
            clusterDomain: cluster.local
            crashLoopBackOff:
              maxContainerRestartPeriod: 1m
            someFutureField: true
            """
        let config = try KubeletConfiguration.decode(Data(yaml.utf8), source: "c.yaml")
        #expect(config.resolved.staticPodPath == "/etc/kubernetes/manifests")
        #expect(config.resolved.fileCheckFrequency == .seconds(5))
        #expect(config.resolved.clusterDNS == ["10.96.0.10"])
        #expect(config.resolved.maxContainerRestartPeriod == .seconds(60))
    }

    @Test(arguments: [
        ("apiVersion: v1\nkind: KubeletConfiguration\n", "apiVersion: Unsupported value: \"v1\""),
        ("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: Pod\n", "kind: Unsupported value: \"Pod\""),
        (
            "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfileCheckFrequency: soon\n",
            "line 3, column 21: fileCheckFrequency: invalid duration \"soon\""
        ),
        (
            "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nhealthzPort: 70000\n",
            "healthzPort: Invalid value: 70000"
        ),
        (
            "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
                + "crashLoopBackOff: {maxContainerRestartPeriod: 10m}\n",
            "crashLoopBackOff.maxContainerRestartPeriod: Invalid value: \"10m\": must be between 1s and 300s"
        ),
    ])
    func errorsNameFileAndField(yaml: String, expected: String) {
        do {
            _ = try KubeletConfiguration.decode(Data(yaml.utf8), source: "/etc/kubelet.yaml")
            Issue.record("decoded")
        } catch {
            #expect(error.description.hasPrefix("/etc/kubelet.yaml: "))
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    @Test func missingFileNamesThePath() {
        #expect {
            try KubeletConfiguration.load(contentsOf: "/nonexistent/kubelet.yaml")
        } throws: { error in
            "\(error)".hasPrefix("/nonexistent/kubelet.yaml: cannot read")
        }
    }
}
