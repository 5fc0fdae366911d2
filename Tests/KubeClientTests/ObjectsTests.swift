import Foundation
import KubeAPI
import Testing

/// The API object types added for cluster mode, decoded from what kube-apiserver sends and encoded as it expects.
@Suite("API objects")
struct ObjectsTests {
    func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try KubeJSON.decoder().decode(T.self, from: Data(text.utf8))
    }

    func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try KubeJSON.encoder(sorted: true).encode(value), as: UTF8.self)
    }

    @Test("a Node as the API server returns it, unknown fields ignored")
    func node() throws {
        let node = try self.decode(
            Node.self,
            #"""
            {"kind":"Node","apiVersion":"v1","metadata":{"name":"n1","uid":"u","resourceVersion":"9",
             "labels":{"kubernetes.io/hostname":"n1"},"managedFields":[{"manager":"kubelet"}]},
             "spec":{"podCIDR":"10.244.0.0/24","podCIDRs":["10.244.0.0/24"],
                     "taints":[{"key":"node.kubernetes.io/not-ready","effect":"NoSchedule"}]},
             "status":{"capacity":{"cpu":"4","memory":"8048128Ki","pods":"110"},"allocatable":{"cpu":"3800m"},
               "conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"2024-05-01T10:00:00Z",
                 "lastTransitionTime":"2024-05-01T09:00:00Z","reason":"KubeletReady",
                 "message":"kubelet is posting ready status"}],
               "addresses":[{"type":"InternalIP","address":"10.0.0.5"},{"type":"Hostname","address":"n1"}],
               "daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},
               "nodeInfo":{"machineID":"m","systemUUID":"s","bootID":"b","kernelVersion":"6.1.0",
                 "osImage":"Debian GNU/Linux 12 (bookworm)","containerRuntimeVersion":"containerd://1.6.20",
                 "kubeletVersion":"v1.34.0","kubeProxyVersion":"","operatingSystem":"linux","architecture":"amd64"},
               "images":[{"names":["busybox:latest"],"sizeBytes":2000000}],"config":{}}}
            """#
        )
        #expect(node.spec.taints.first?.description == "node.kubernetes.io/not-ready:NoSchedule")
        #expect(node.status?.allocatable["cpu"]?.milliValue == 3800)
        #expect(node.status?.condition(.ready)?.reason == "KubeletReady")
        #expect(node.status?.daemonEndpoints?.kubeletEndpoint?.port == 10250)
        #expect(node.status?.nodeInfo?.containerRuntimeVersion == "containerd://1.6.20")
        #expect(node.status?.addresses.first == NodeAddress(type: .internalIP, address: "10.0.0.5"))
        let encoded = try self.encode(
            NodeStatus(daemonEndpoints: NodeDaemonEndpoints(kubeletEndpoint: DaemonEndpoint(port: 10250)))
        )
        #expect(encoded == #"{"daemonEndpoints":{"kubeletEndpoint":{"Port":10250}}}"#)
    }

    @Test("Lease times have microseconds")
    func lease() throws {
        let lease = Lease(
            metadata: ObjectMeta(name: "n1", namespace: "kube-node-lease"),
            spec: LeaseSpec(
                holderIdentity: "n1", leaseDurationSeconds: 40,
                renewTime: MicroTime(Date(timeIntervalSince1970: 1_714_557_600.5))
            )
        )
        #expect(try self.encode(lease) == #"{"metadata":{"name":"n1","namespace":"kube-node-lease"},"#
            + #""spec":{"holderIdentity":"n1","leaseDurationSeconds":40,"renewTime":"2024-05-01T10:00:00.500000Z"}}"#)
        let back = try self.decode(Lease.self, try self.encode(lease))
        #expect(back.spec.renewTime == lease.spec.renewTime)
        #expect(MicroTime(Date(timeIntervalSince1970: 0)).description == "1970-01-01T00:00:00.000000Z")
    }

    @Test("an Event as the kubelet posts it")
    func event() throws {
        let pod = Pod(metadata: ObjectMeta(name: "web", namespace: "default", uid: "u1", resourceVersion: "5"))
        let event = Event(
            metadata: ObjectMeta(name: "web.17a", namespace: "default"),
            involvedObject: ObjectReference(to: pod, fieldPath: "spec.containers{c}"),
            reason: "Pulled", message: "Container image \"busybox\" already present on machine",
            source: EventSource(component: "kubelet", host: "n1"),
            firstTimestamp: Date(timeIntervalSince1970: 1_714_557_600),
            lastTimestamp: Date(timeIntervalSince1970: 1_714_557_600), count: 1, type: .normal,
            reportingComponent: "kubelet", reportingInstance: "n1"
        )
        let text = try self.encode(event)
        #expect(text.contains(
            #""involvedObject":{"apiVersion":"v1","fieldPath":"spec.containers{c}","kind":"Pod","name":"web","#
                + #""namespace":"default","resourceVersion":"5","uid":"u1"}"#
        ))
        #expect(text.contains(#""firstTimestamp":"2024-05-01T10:00:00Z""#))
        #expect(try self.decode(Event.self, text) == event)
    }

    @Test("lists: items null, continue token, kind of the list")
    func list() throws {
        let list = try self.decode(
            KubeList<Node>.self,
            #"{"kind":"NodeList","apiVersion":"v1","metadata":{"resourceVersion":"12","continue":"c1","remainingItemCount":3},"items":null}"#
        )
        #expect(list.items.isEmpty)
        #expect(list.metadata.continueToken == "c1")
        #expect(list.metadata.remainingItemCount == 3)
        #expect(try self.encode(KubeList<Node>(metadata: ListMeta(resourceVersion: "1")))
            == #"{"items":[],"metadata":{"resourceVersion":"1"}}"#)
    }

    @Test("TokenRequest and DeleteOptions as sent")
    func requests() throws {
        let options = DeleteOptions(gracePeriodSeconds: 0, preconditions: Preconditions(uid: "u1"))
        #expect(try self.encode(options)
            == #"{"apiVersion":"v1","gracePeriodSeconds":0,"kind":"DeleteOptions","preconditions":{"uid":"u1"}}"#)
        let token = try self.decode(
            TokenRequest.self,
            #"{"spec":{"audiences":null},"status":{"token":"t","expirationTimestamp":"2030-01-01T00:00:00Z"}}"#
        )
        #expect(token.spec.audiences.isEmpty)
        #expect(token.status?.token == "t")
    }
}
