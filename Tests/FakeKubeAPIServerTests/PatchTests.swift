import FakeKubeAPIServer
import Testing

/// Patch semantics through the direct API (the same code the HTTP PATCH runs).
@Suite struct FakeAPIPatchTests {
    static func node(_ server: FakeKubeAPIServer) throws {
        try server.create(.nodes, [
            "metadata": ["name": "n1", "finalizers": ["a", "b"]],
            "status": [
                "addresses": [["type": "InternalIP", "address": "10.0.0.1"], ["type": "Hostname", "address": "n1"]],
                "conditions": [
                    ["type": "MemoryPressure", "status": "False"], ["type": "Ready", "status": "False", "reason": "KubeletNotReady"],
                ],
                "images": [["names": ["a"]], ["names": ["b"]]],
            ],
        ])
    }

    @Test func kubeletNodeStatusPatch() throws {
        let server = FakeKubeAPIServer()
        try Self.node(server)
        // The shape of the kubelet's two-way merge patch of the node status.
        let patched = try server.patch(.nodes, name: "n1", type: .strategicMerge, [
            "status": [
                "$setElementOrder/conditions": [["type": "MemoryPressure"], ["type": "Ready"]],
                "$setElementOrder/addresses": [["type": "InternalIP"], ["type": "Hostname"]],
                "conditions": [["type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"]],
                "addresses": [["type": "InternalIP", "address": "10.0.0.2"]],
                "images": [["names": ["c"]]],
            ],
        ], status: true)
        #expect(patched["status"]["conditions"] == [
            ["type": "MemoryPressure", "status": "False"],
            ["type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"],
        ])
        #expect(patched["status"]["addresses"] == [
            ["type": "InternalIP", "address": "10.0.0.2"], ["type": "Hostname", "address": "n1"],
        ])
        #expect(patched["status"]["images"] == [["names": ["c"]]], "lists without a merge key are replaced")
    }

    @Test func directives() throws {
        let server = FakeKubeAPIServer()
        try Self.node(server)
        let patched = try server.patch(.nodes, name: "n1", type: .strategicMerge, [
            "metadata": ["$deleteFromPrimitiveList/finalizers": ["a"], "finalizers": ["c"]],
            "status": [
                "conditions": [["type": "MemoryPressure", "$patch": "delete"]],
                "$retainKeys": ["conditions"],
            ],
        ], status: false)
        #expect(patched["metadata"]["finalizers"] == ["b", "c"])
        #expect(patched["status"]["conditions"].array?.count == 2, "a plain patch leaves a node's status alone")
        let status = try server.patch(.nodes, name: "n1", type: .strategicMerge, [
            "status": ["conditions": [["type": "MemoryPressure", "$patch": "delete"]]],
        ], status: true)
        #expect(status["status"]["conditions"].array?.map { $0["type"] } == ["Ready"])
        let replaced = try server.patch(.nodes, name: "n1", type: .strategicMerge, [
            "status": ["$patch": "replace", "phase": "Running"],
        ], status: true)
        #expect(replaced["status"] == ["phase": "Running"])
    }

    @Test func jsonPatchOperations() throws {
        let server = FakeKubeAPIServer()
        try server.create(.configMaps, ["metadata": ["name": "c", "namespace": "default"], "data": ["a": "1"]])
        let patched = try server.patch(.configMaps, namespace: "default", name: "c", type: .json, [
            ["op": "add", "path": "/metadata/finalizers", "value": ["x"]],
            ["op": "add", "path": "/metadata/finalizers/-", "value": "y"],
            ["op": "copy", "from": "/data/a", "path": "/data/b"],
            ["op": "move", "from": "/data/a", "path": "/data/c"],
            ["op": "add", "path": "/data/d~1e", "value": "slash"],
        ])
        #expect(patched["metadata"]["finalizers"] == ["x", "y"])
        #expect(patched["data"] == ["b": "1", "c": "1", "d/e": "slash"])
        #expect(throws: APIStatusError.self) {
            try server.patch(.configMaps, namespace: "default", name: "c", type: .json, [["op": "remove", "path": "/data/zz"]])
        }
        #expect(throws: APIStatusError.self) {
            try server.patch(.configMaps, namespace: "default", name: "c", type: .merge, ["metadata": ["name": "other"]])
        }
    }

    @Test func finalizersKeepObjectsUntilRemoved() throws {
        let server = FakeKubeAPIServer()
        try server.create(.configMaps, ["metadata": ["name": "c", "namespace": "default", "finalizers": ["x"]]])
        let pending = try server.delete(.configMaps, namespace: "default", name: "c")
        #expect(!pending.deleted)
        #expect(pending.object["metadata"]["deletionTimestamp"].string != nil)
        try server.patch(.configMaps, namespace: "default", name: "c", type: .merge, ["metadata": ["finalizers": nil]])
        #expect(server.object(.configMaps, namespace: "default", name: "c") == nil)
    }

    @Test func createOnUpdateForEvents() throws {
        let server = FakeKubeAPIServer()
        let event = try server.update(.events, ["metadata": ["name": "e1", "namespace": "default"], "reason": "Started"])
        #expect(event["metadata"]["uid"].string != nil)
        #expect(throws: APIStatusError.notFound(.configMaps, name: "c")) {
            try server.update(.configMaps, ["metadata": ["name": "c", "namespace": "default"]])
        }
    }
}
