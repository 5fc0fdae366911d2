/// The parts of upstream's defaulting and create strategies the fake applies, so objects read back as from a real
/// API server. Not done: admission (service account token volumes, limit ranges), validation beyond the name.
enum Defaults {
    static func applyOnCreate(_ resource: APIResource, _ object: inout JSON) {
        switch resource {
        case .pods: self.pod(&object)
        case .namespaces:
            object["status"] = ["phase": "Active"]
            if object["spec"]["finalizers"].isNull { object["spec"]["finalizers"] = ["kubernetes"] }
        case .services:
            if object["spec"]["type"].isNull { object["spec"]["type"] = "ClusterIP" }
            if object["spec"]["sessionAffinity"].isNull { object["spec"]["sessionAffinity"] = "None" }
        case .secrets:
            if object["type"].isNull { object["type"] = "Opaque" }
        default: break
        }
    }

    /// Pod defaults (pkg/apis/core/v1/defaults.go) and the create strategy's status reset to Pending with the QoS
    /// class.
    static func pod(_ pod: inout JSON) {
        let specDefaults: [(String, JSON)] = [
            ("restartPolicy", "Always"), ("terminationGracePeriodSeconds", 30), ("dnsPolicy", "ClusterFirst"),
            ("schedulerName", "default-scheduler"), ("securityContext", [:]), ("enableServiceLinks", true),
        ]
        for (field, value) in specDefaults where pod["spec"][field].isNull { pod["spec"][field] = value }
        for list in ["containers", "initContainers"] {
            guard let containers = pod["spec"][list].array else { continue }
            pod["spec"][list] = .array(containers.map(self.container))
        }
        pod["status"] = ["phase": "Pending", "qosClass": .string(self.qosClass(pod["spec"]))]
    }

    static func container(_ container: JSON) -> JSON {
        var container = container
        if container["terminationMessagePath"].isNull { container["terminationMessagePath"] = "/dev/termination-log" }
        if container["terminationMessagePolicy"].isNull { container["terminationMessagePolicy"] = "File" }
        if container["imagePullPolicy"].isNull {
            let image = container["image"].string ?? ""
            let lastComponent = image.split(separator: "/").last.map(String.init) ?? image
            let tagged = lastComponent.contains(":") && !lastComponent.hasSuffix(":latest")
            container["imagePullPolicy"] = tagged || image.contains("@") ? "IfNotPresent" : "Always"
        }
        if let ports = container["ports"].array {
            container["ports"] = .array(ports.map { port in
                var port = port
                if port["protocol"].isNull { port["protocol"] = "TCP" }
                return port
            })
        }
        if container["resources"].isNull { container["resources"] = [:] }
        return container
    }

    /// BestEffort without any request or limit, Guaranteed when every container limits cpu and memory with equal
    /// requests, Burstable otherwise.
    static func qosClass(_ spec: JSON) -> String {
        let containers = (spec["containers"].array ?? []) + (spec["initContainers"].array ?? [])
        var any = false
        var guaranteed = !containers.isEmpty
        for container in containers {
            let requests = container["resources"]["requests"].object ?? [:]
            let limits = container["resources"]["limits"].object ?? [:]
            if !requests.isEmpty || !limits.isEmpty { any = true }
            for resource in ["cpu", "memory"] {
                guard let limit = limits[resource] else { guaranteed = false; continue }
                if let request = requests[resource], request != limit { guaranteed = false }
            }
        }
        if !any { return "BestEffort" }
        return guaranteed ? "Guaranteed" : "Burstable"
    }
}
