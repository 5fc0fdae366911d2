import Foundation
import KubeAPI
import ServiceProxy
import Testing

@Suite("Sync: the proxy's inputs (service and endpoint change tracking)")
struct SyncInputsTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func synced() -> ProxyInputs {
        var inputs = ProxyInputs(nodeName: "node-1")
        inputs.handle(.servicesSynced, at: self.now)
        inputs.handle(.endpointSlicesSynced, at: self.now)
        _ = inputs.takeChanges()
        return inputs
    }

    @Test("a slice whose service label changes moves its endpoints from one service to the other")
    func sliceRelabelled() {
        var inputs = self.synced()
        for name in ["a", "b"] {
            inputs.handle(.serviceUpdated(SyncFixtures.service(SyncFixtures.serviceYAML(name, ip: name == "a" ? "10.96.0.1" : "10.96.0.2"))), at: self.now)
        }
        inputs.handle(.endpointSliceUpdated(SyncFixtures.slice(SyncFixtures.sliceYAML("s", service: "a", endpoints: ["10.1.0.1"]))), at: self.now)
        _ = inputs.takeChanges()
        #expect(inputs.endpoints.keys.map(\.service.name) == ["a"])
        inputs.handle(.endpointSliceUpdated(SyncFixtures.slice(SyncFixtures.sliceYAML("s", service: "b", endpoints: ["10.1.0.1"]))), at: self.now)
        let batch = inputs.takeChanges()
        #expect(batch.changedServices.map(\.name).sorted() == ["a", "b"])
        #expect(inputs.endpoints.keys.map(\.service.name) == ["b"])
        inputs.handle(.endpointSliceDeleted(namespace: "default", name: "s"), at: self.now)
        #expect(inputs.takeChanges().changedServices.map(\.name) == ["b"])
        #expect(inputs.endpoints.isEmpty)
        #expect(inputs.services.count == 2)
    }

    @Test("two slices of one service are merged; removing one keeps the other's endpoints")
    func twoSlices() {
        var inputs = self.synced()
        inputs.handle(.serviceUpdated(SyncFixtures.service(SyncFixtures.serviceYAML("a", ip: "10.96.0.1"))), at: self.now)
        inputs.handle(.endpointSliceUpdated(SyncFixtures.slice(SyncFixtures.sliceYAML("s1", service: "a", endpoints: ["10.1.0.1"]))), at: self.now)
        inputs.handle(.endpointSliceUpdated(SyncFixtures.slice(SyncFixtures.sliceYAML("s2", service: "a", endpoints: ["10.1.0.2"]))), at: self.now)
        _ = inputs.takeChanges()
        #expect(inputs.endpoints.values.first?.map(\.description) == ["10.1.0.1:8080", "10.1.0.2:8080"])
        inputs.handle(.endpointSliceDeleted(namespace: "default", name: "s1"), at: self.now)
        _ = inputs.takeChanges()
        #expect(inputs.endpoints.values.first?.map(\.description) == ["10.1.0.2:8080"])
    }

    @Test("a change and its undo before a sync leave nothing pending; the trigger-time annotation dates the change")
    func undoAndTriggerTime() {
        var inputs = self.synced()
        let service = SyncFixtures.service(SyncFixtures.serviceYAML("a", ip: "10.96.0.1"))
        inputs.handle(.serviceUpdated(service), at: self.now)
        inputs.handle(.serviceDeleted(namespace: "default", name: "a"), at: self.now)
        #expect(inputs.pendingServiceChanges == 0)
        #expect(inputs.takeChanges().changedServices.isEmpty)
        var slice = SyncFixtures.slice(SyncFixtures.sliceYAML("s", service: "a", endpoints: ["10.1.0.1"]))
        slice.metadata.annotations[ProxyInputs.lastChangeTriggerTime] = "2023-11-14T22:13:00Z"
        inputs.handle(.endpointSliceUpdated(slice), at: self.now)
        let batch = inputs.takeChanges()
        #expect(batch.changeTimes[ServiceName(namespace: "default", name: "a")] == Date(timeIntervalSince1970: 1_699_999_980))
    }
}
