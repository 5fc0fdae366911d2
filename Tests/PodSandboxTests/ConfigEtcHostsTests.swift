import CRIClient
import Foundation
import KubeAPI
import PodSandbox
import Testing

@Suite("/etc/hosts")
struct ConfigEtcHostsTests {
    static let localhost = """
        # Kubernetes-managed hosts file.
        127.0.0.1\tlocalhost
        ::1\tlocalhost ip6-localhost ip6-loopback
        fe00::0\tip6-localnet
        fe00::0\tip6-mcastprefix
        fe00::1\tip6-allnodes
        fe00::2\tip6-allrouters

        """

    @Test func podEntriesAndAliases() throws {
        let pod = try ConfigFixtures.pod(name: "web", namespace: "prod", spec: """
            {"hostAliases":[{"ip":"10.0.0.9","hostnames":["db","db.local"]}],
             "containers":[{"name":"app","image":"x"}]}
            """)
        let text = EtcHosts.render(pod: pod, podIPs: ["10.1.0.5"], clusterDomain: "cluster.local")
        #expect(text == Self.localhost + "10.1.0.5\tweb\n\n# Entries added by HostAliases.\n10.0.0.9\tdb\tdb.local\n")
    }

    @Test func subdomainGivesTheFullName() throws {
        let pod = try ConfigFixtures.pod(name: "web", namespace: "prod", spec: """
            {"hostname":"w1","subdomain":"svc1","containers":[{"name":"app","image":"x"}]}
            """)
        let text = EtcHosts.render(pod: pod, podIPs: ["10.1.0.5"], clusterDomain: "cluster.local")
        #expect(text == Self.localhost + "10.1.0.5\tw1.svc1.prod.svc.cluster.local\tw1\n")
    }

    @Test func hostNetworkUsesTheNodeFile() throws {
        let pod = try ConfigFixtures.pod(spec: #"{"hostNetwork":true,"containers":[{"name":"app","image":"x"}]}"#)
        #expect(EtcHosts.render(pod: pod, podIPs: [], clusterDomain: "", nodeHosts: "127.0.0.1 localhost\n")
            == "127.0.0.1 localhost\n")
    }

    @Test func mountedUnlessTheContainerMountsEtcHosts() throws {
        let pod = try ConfigFixtures.pod(spec: """
            {"volumes":[{"name":"h","hostPath":{"path":"/etc/hosts"}}],
             "containers":[{"name":"app","image":"x"},
                           {"name":"own","image":"x","volumeMounts":[{"name":"h","mountPath":"/etc/hosts"}]}]}
            """)
        let plan = try VolumePlan.make(pod: pod, context: ConfigFixtures.context)
        let builder = ContainerConfigBuilder(context: ConfigFixtures.context, seccompChecker: FakeSeccompChecker())
        let file = EtcHosts.hostFile(podDirectory: plan.podDirectory)
        #expect(file == "/var/lib/node-agent/pods/uid-1/etc-hosts")
        let first = try builder.build(
            ContainerConfigInput(pod: pod, container: pod.spec.containers[0], imageUser: .uid(0),
                                 etcHostsHostPath: file), volumes: plan)
        #expect(first.mounts == [Mount(containerPath: "/etc/hosts", hostPath: file)])
        let second = try builder.build(
            ContainerConfigInput(pod: pod, container: pod.spec.containers[1], imageUser: .uid(0),
                                 etcHostsHostPath: file), volumes: plan)
        #expect(second.mounts == [Mount(containerPath: "/etc/hosts", hostPath: "/etc/hosts")])
    }

    @Test func writeFileReplacesAtomically() throws {
        let root = try ConfigFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/pod/etc-hosts"
        try HostVolumeSetup().writeFile(path, contents: "one\n")
        try HostVolumeSetup().writeFile(path, contents: "two\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two\n")
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }
}
