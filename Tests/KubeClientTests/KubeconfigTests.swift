import Foundation
import Testing

@testable import KubeClient

@Suite("Kubeconfig")
struct KubeconfigTests {
    static let caData = Data("CA-PEM".utf8).base64EncodedString()
    static let certData = Data("CERT-PEM".utf8).base64EncodedString()
    static let keyData = Data("KEY-PEM".utf8).base64EncodedString()

    @Test("inline data, current-context, namespace")
    func inlineData() throws {
        let text = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: other
              cluster:
                server: https://other:6443
            - name: prod
              cluster:
                server: https://10.0.0.1:6443/
                certificate-authority-data: \(Self.caData)
                tls-server-name: kubernetes
            users:
            - name: node
              user:
                client-certificate-data: \(Self.certData)
                client-key-data: \(Self.keyData)
            contexts:
            - name: main
              context:
                cluster: prod
                user: node
                namespace: kube-system
            current-context: main
            """
        let config = try Kubeconfig(parsing: text, path: "/etc/kubernetes/kubelet.conf").resolve()
        #expect(config.server == "https://10.0.0.1:6443")
        #expect(config.tls?.certificateAuthorityPEM == Array("CA-PEM".utf8))
        #expect(config.tls?.clientCertificatePEM == Array("CERT-PEM".utf8))
        #expect(config.tls?.clientKeyPEM == Array("KEY-PEM".utf8))
        #expect(config.tls?.serverName == "kubernetes")
        #expect(config.tls?.insecureSkipVerify == false)
        #expect(config.namespace == "kube-system")
        #expect(config.credentials == .none)
        #expect(config.qps == 50 && config.burst == 100)
    }

    @Test("files relative to the kubeconfig's directory, token file, a named context")
    func filesAndRelativePaths() async throws {
        try await withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/pki", withIntermediateDirectories: true)
            try "CA".write(toFile: dir + "/pki/ca.crt", atomically: true, encoding: .utf8)
            try "CERT".write(toFile: dir + "/pki/client.crt", atomically: true, encoding: .utf8)
            try "KEY".write(toFile: "\(dir)/client.key", atomically: true, encoding: .utf8)
            try "tok-1\n".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
            let text = """
                clusters:
                - name: c
                  cluster: {server: "https://api:6443", certificate-authority: pki/ca.crt}
                users:
                - name: cert
                  user: {client-certificate: pki/client.crt, client-key: \(dir)/client.key}
                - name: sa
                  user: {tokenFile: token}
                - name: fixed
                  user: {token: abc}
                contexts:
                - name: a
                  context: {cluster: c, user: cert}
                - name: b
                  context: {cluster: c, user: sa}
                - name: c
                  context: {cluster: c, user: fixed}
                current-context: a
                """
            try text.write(toFile: dir + "/config", atomically: true, encoding: .utf8)
            let a = try Kubeconfig.load(path: dir + "/config")
            #expect(a.tls?.certificateAuthorityPEM == Array("CA".utf8))
            #expect(a.tls?.clientCertificatePEM == Array("CERT".utf8))
            #expect(a.tls?.clientKeyPEM == Array("KEY".utf8))
            let b = try Kubeconfig.load(path: dir + "/config", context: "b")
            #expect(b.credentials == .tokenFile(dir + "/token"))
            #expect(b.tls?.clientCertificatePEM == nil)
            let c = try Kubeconfig.load(path: dir + "/config", context: "c")
            #expect(c.credentials == .token("abc"))
        }
    }

    @Test("http server has no TLS; insecure-skip-tls-verify")
    func plainAndInsecure() throws {
        let plain = try Kubeconfig(
            parsing: "clusters: [{name: c, cluster: {server: 'http://127.0.0.1:8080'}}]\n"
                + "contexts: [{name: x, context: {cluster: c}}]\n",
            path: "k"
        ).resolve()
        #expect(plain.server == "http://127.0.0.1:8080")
        #expect(plain.tls == nil)
        let insecure = try Kubeconfig(
            parsing: "clusters: [{name: c, cluster: {server: 'https://h:6443', insecure-skip-tls-verify: true}}]\n"
                + "contexts: [{name: x, context: {cluster: c}}]\ncurrent-context: x\n",
            path: "k"
        ).resolve()
        #expect(insecure.tls?.insecureSkipVerify == true)
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var context: String? = nil
        var expected: String
        var testDescription: String { self.name }
    }

    static let badCases: [BadCase] = [
        BadCase(
            name: "no current context",
            yaml: "clusters: [{name: c, cluster: {server: 'https://h'}}]\ncontexts: []\n",
            expected: "kubeconfig /k: current-context: not set, and no context was named"
        ),
        BadCase(
            name: "unknown current context",
            yaml: "contexts: [{name: a, context: {cluster: c}}]\ncurrent-context: b\n",
            expected: "kubeconfig /k: current-context: context \"b\" not found (known: a)"
        ),
        BadCase(
            name: "unknown named context",
            yaml: "contexts: [{name: a, context: {cluster: c}}]\n",
            context: "zz",
            expected: "kubeconfig /k: contexts: context \"zz\" not found (known: a)"
        ),
        BadCase(
            name: "missing cluster",
            yaml: "contexts: [{name: a, context: {cluster: c}}]\ncurrent-context: a\n",
            expected: "kubeconfig /k: contexts[0].context.cluster: cluster \"c\" not found (the file has none)"
        ),
        BadCase(
            name: "missing user",
            yaml: "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                + "contexts: [{name: a, context: {cluster: c, user: u}}]\ncurrent-context: a\n",
            expected: "kubeconfig /k: contexts[0].context.user: user \"u\" not found (the file has none)"
        ),
        BadCase(
            name: "no server",
            yaml: "clusters: [{name: c, cluster: {}}]\ncontexts: [{name: a, context: {cluster: c}}]\n",
            expected: "kubeconfig /k: clusters[0].cluster.server: required"
        ),
        BadCase(
            name: "server not a URL",
            yaml: "clusters: [{name: c, cluster: {server: 'h:6443'}}]\ncontexts: [{name: a, context: {cluster: c}}]\n",
            expected: "kubeconfig /k: clusters[0].cluster.server: \"h:6443\" is not a URL like https://host:6443"
        ),
        BadCase(
            name: "missing CA file",
            yaml: "clusters: [{name: c, cluster: {server: 'https://h', certificate-authority: ca.crt}}]\n"
                + "contexts: [{name: a, context: {cluster: c}}]\n",
            expected:
                "kubeconfig /k: clusters[0].cluster.certificate-authority: cannot read /ca.crt: no such file or directory"
        ),
        BadCase(
            name: "certificate without key",
            yaml: "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                + "users: [{name: u, user: {client-certificate-data: \(certData)}}]\n"
                + "contexts: [{name: a, context: {cluster: c, user: u}}]\n",
            expected: "kubeconfig /k: users[0].user.client-key: required with the other half of the client certificate"
        ),
        BadCase(
            name: "CA with insecure",
            yaml: "clusters: [{name: c, cluster: {server: 'https://h', insecure-skip-tls-verify: true, "
                + "certificate-authority-data: \(caData)}}]\ncontexts: [{name: a, context: {cluster: c}}]\n",
            expected: "kubeconfig /k: clusters[0].cluster.insecure-skip-tls-verify: specifying a root certificates "
                + "file with the insecure flag is not allowed"
        ),
        BadCase(
            name: "wrong kind",
            yaml: "kind: Pod\n",
            expected: "kubeconfig /k: kind: expected \"Config\", got \"Pod\""
        ),
        BadCase(
            name: "wrong type",
            yaml: "clusters: {name: c}\n",
            expected: "kubeconfig /k: clusters: expected a list"
        ),
        BadCase(
            name: "context without cluster",
            yaml: "contexts: [{name: a, context: {user: u}}]\n",
            expected: "kubeconfig /k: contexts[0].context.cluster: required"
        ),
        BadCase(
            name: "missing token file",
            yaml: "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                + "users: [{name: u, user: {tokenFile: /nonexistent/token}}]\n"
                + "contexts: [{name: a, context: {cluster: c, user: u}}]\n",
            expected: "kubeconfig /k: users[0].user.tokenFile: cannot read /nonexistent/token: no such file or directory"
        ),
    ]

    @Test("errors name the file and the field", arguments: badCases)
    func errors(_ bad: BadCase) throws {
        let error = #expect(throws: KubeconfigError.self) {
            _ = try Kubeconfig(parsing: bad.yaml, path: "/k").resolve(context: bad.context)
        }
        #expect(error?.description == bad.expected)
    }

    @Test("a missing kubeconfig names the path")
    func missingFile() {
        let error = #expect(throws: KubeconfigError.self) {
            _ = try Kubeconfig.load(path: "/nonexistent/kubelet.conf")
        }
        #expect(error?.description == "kubeconfig /nonexistent/kubelet.conf: cannot read: no such file or directory")
    }

    @Test("invalid base64 data names the field")
    func badBase64() {
        let error = #expect(throws: KubeconfigError.self) {
            _ = try Kubeconfig(
                parsing: "clusters: [{name: c, cluster: {server: 'https://h', certificate-authority-data: '%%%'}}]\n",
                path: "/k"
            )
        }
        #expect(error?.field == "clusters[0].cluster.certificate-authority-data")
    }
}
