import Foundation

/// Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), as kubectl asks for it: the
/// columns of upstream's printers (pkg/printers/internalversion) for pods, nodes and events, and Name/Age for the
/// other resources. Rows carry the object's metadata (`includeObject=Metadata`, the default), the whole object
/// (`Object`) or nothing (`None`).
enum Tables {
    static func reply(
        for request: RecordedRequest, resource: APIResource, objects: [JSON], revision: String,
        options: FakeKubeAPIServer.Configuration, list: ObjectStore.ListResult? = nil
    ) throws -> APIReply? {
        guard self.wantsTable(request) else { return nil }
        let table = self.table(
            resource, objects: objects, revision: revision, include: request.queryValue("includeObject"),
            now: options.now(), list: list
        )
        var reply = APIReply.json(200, table)
        reply.headers = [("Content-Type", self.contentType)]
        return reply
    }

    static let contentType = "application/json;as=Table;v=v1;g=meta.k8s.io"

    /// Whether the client asked for Tables (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io,...`).
    static func wantsTable(_ request: RecordedRequest) -> Bool {
        request.header("Accept")?.contains("as=Table") == true
    }

    /// A watch event for a Table watch (`kubectl get -w`): the object becomes a one-row Table; bookmarks and
    /// errors pass unchanged.
    static func watchEvent(_ event: WatchEvent, _ resource: APIResource, include: String?, now: Date) -> WatchEvent {
        guard event.type != .bookmark, event.type != .error else { return event }
        let table = self.table(resource, objects: [event.object], revision: event.object.resourceVersion, include: include, now: now)
        return WatchEvent(type: event.type, object: table)
    }

    /// A `meta.k8s.io/v1` Table of `objects`.
    static func table(
        _ resource: APIResource, objects: [JSON], revision: String, include: String?, now: Date,
        list: ObjectStore.ListResult? = nil
    ) -> JSON {
        let columns: [JSON]
        let cells: (JSON) -> [JSON]
        switch resource {
        case .pods: (columns, cells) = (self.podColumns, { self.podCells($0, now: now) })
        case .nodes: (columns, cells) = (self.nodeColumns, { self.nodeCells($0, now: now) })
        case .events: (columns, cells) = (self.eventColumns, { self.eventCells($0, now: now) })
        default:
            columns = [self.column("Name", format: "name"), self.column("Age")]
            cells = { [.string($0.name), .string(self.age($0["metadata"]["creationTimestamp"], now: now))] }
        }
        let rows = objects.map { object -> JSON in
            var row: JSON = ["cells": .array(cells(object))]
            switch include ?? "Metadata" {
            case "None": break
            case "Object": row["object"] = object
            default:
                row["object"] = ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": object["metadata"]]
            }
            return row
        }
        var metadata: JSON = ["resourceVersion": .string(revision)]
        if let token = list?.continueToken { metadata["continue"] = .string(token) }
        if let remaining = list?.remainingItemCount { metadata["remainingItemCount"] = .int(Int64(remaining)) }
        return [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata,
            "columnDefinitions": .array(columns), "rows": .array(rows),
        ]
    }

    static func column(_ name: String, type: String = "string", format: String = "", priority: Int = 0) -> JSON {
        ["name": .string(name), "type": .string(type), "format": .string(format), "description": "", "priority": .int(Int64(priority))]
    }

    // MARK: - Pods

    static let podColumns: [JSON] = [
        column("Name", format: "name"), column("Ready"), column("Status"), column("Restarts"), column("Age"),
        column("IP", priority: 1), column("Node", priority: 1), column("Nominated Node", priority: 1),
        column("Readiness Gates", priority: 1),
    ]

    static func podCells(_ pod: JSON, now: Date) -> [JSON] {
        let statuses = pod["status"]["containerStatuses"].array ?? []
        let total = pod["spec"]["containers"].array?.count ?? statuses.count
        var ready = 0
        var restarts: Int64 = 0
        var lastRestart: Date?
        var reason = pod["status"]["reason"].string ?? pod["status"]["phase"].string ?? ""
        var initializing = false
        let initStatuses = pod["status"]["initContainerStatuses"].array ?? []
        for (index, status) in initStatuses.enumerated() {
            restarts += status["restartCount"].int ?? 0
            let terminated = status["state"]["terminated"]
            if terminated["exitCode"].int == 0, !terminated.isNull { continue }
            if status["started"].bool == true, !status["state"]["running"].isNull { continue }
            initializing = true
            if !terminated.isNull {
                reason = "Init:" + (terminated["reason"].string ?? "ExitCode:\(terminated["exitCode"].int ?? 0)")
            } else if let waiting = status["state"]["waiting"]["reason"].string, waiting != "PodInitializing" {
                reason = "Init:" + waiting
            } else {
                reason = "Init:\(index)/\(pod["spec"]["initContainers"].array?.count ?? initStatuses.count)"
            }
            break
        }
        var hasRunning = false
        for status in statuses.reversed() {
            restarts += status["restartCount"].int ?? 0
            if let finished = self.date(status["lastState"]["terminated"]["finishedAt"]) {
                lastRestart = max(lastRestart ?? finished, finished)
            }
            if initializing { continue }
            if let waiting = status["state"]["waiting"]["reason"].string, !waiting.isEmpty {
                reason = waiting
            } else if !status["state"]["terminated"].isNull {
                let terminated = status["state"]["terminated"]
                reason = terminated["reason"].string
                    ?? (terminated["signal"].int.map { "Signal:\($0)" } ?? "ExitCode:\(terminated["exitCode"].int ?? 0)")
            } else if status["ready"].bool == true, !status["state"]["running"].isNull {
                hasRunning = true
                ready += 1
            }
        }
        if !initializing, reason == "Completed", hasRunning {
            let readyCondition = (pod["status"]["conditions"].array ?? []).first { $0["type"] == "Ready" }
            reason = readyCondition?["status"] == "True" ? "Running" : "NotReady"
        }
        if !pod["metadata"]["deletionTimestamp"].isNull {
            reason = pod["status"]["reason"].string == "NodeLost" ? "Unknown" : "Terminating"
        }
        var restartText = String(restarts)
        if let lastRestart, restarts > 0 { restartText += " (\(self.humanDuration(now.timeIntervalSince(lastRestart))) ago)" }
        let gates = pod["spec"]["readinessGates"].array ?? []
        let gateText: String
        if gates.isEmpty {
            gateText = "<none>"
        } else {
            let conditions = pod["status"]["conditions"].array ?? []
            let met = gates.filter { gate in conditions.contains { $0["type"] == gate["conditionType"] && $0["status"] == "True" } }
            gateText = "\(met.count)/\(gates.count)"
        }
        return [
            .string(pod.name), .string("\(ready)/\(total)"), .string(reason), .string(restartText),
            .string(self.age(pod["metadata"]["creationTimestamp"], now: now)),
            .string(self.orNone(pod["status"]["podIP"].string)), .string(self.orNone(pod["spec"]["nodeName"].string)),
            .string(self.orNone(pod["status"]["nominatedNodeName"].string)), .string(gateText),
        ]
    }

    // MARK: - Nodes

    static let nodeColumns: [JSON] = [
        column("Name", format: "name"), column("Status"), column("Roles"), column("Age"), column("Version"),
        column("Internal-IP", priority: 1), column("External-IP", priority: 1), column("OS-Image", priority: 1),
        column("Kernel-Version", priority: 1), column("Container-Runtime", priority: 1),
    ]

    static func nodeCells(_ node: JSON, now: Date) -> [JSON] {
        let ready = (node["status"]["conditions"].array ?? []).first { $0["type"] == "Ready" }
        var status: String
        switch ready?["status"].string {
        case "True": status = "Ready"
        case "False": status = "NotReady"
        default: status = "Unknown"
        }
        if node["spec"]["unschedulable"].bool == true { status += ",SchedulingDisabled" }
        let roles = (node["metadata"]["labels"].object ?? [:]).keys.compactMap { key -> String? in
            if key.hasPrefix("node-role.kubernetes.io/") { return String(key.dropFirst("node-role.kubernetes.io/".count)) }
            if key == "kubernetes.io/role" { return node["metadata"]["labels"][key].string }
            return nil
        }.filter { !$0.isEmpty }.sorted()
        let addresses = node["status"]["addresses"].array ?? []
        func address(_ type: String) -> String {
            self.orNone(addresses.first { $0["type"].string == type }?["address"].string)
        }
        let info = node["status"]["nodeInfo"]
        return [
            .string(node.name), .string(status), .string(roles.isEmpty ? "<none>" : roles.joined(separator: ",")),
            .string(self.age(node["metadata"]["creationTimestamp"], now: now)),
            .string(info["kubeletVersion"].string ?? ""), .string(address("InternalIP")), .string(address("ExternalIP")),
            .string(self.orUnknown(info["osImage"].string)), .string(self.orUnknown(info["kernelVersion"].string)),
            .string(self.orUnknown(info["containerRuntimeVersion"].string)),
        ]
    }

    // MARK: - Events

    static let eventColumns: [JSON] = [
        column("Last Seen"), column("Type"), column("Reason"), column("Object"), column("Subobject", priority: 1),
        column("Source", priority: 1), column("Message"), column("First Seen", priority: 1), column("Count", priority: 1),
        column("Name", format: "name", priority: 1),
    ]

    static func eventCells(_ event: JSON, now: Date) -> [JSON] {
        let first = event["firstTimestamp"].isNull ? event["eventTime"] : event["firstTimestamp"]
        let last = event["lastTimestamp"].isNull ? first : event["lastTimestamp"]
        let involved = event["involvedObject"]
        var source = event["source"]["component"].string ?? event["reportingComponent"].string ?? ""
        if let host = event["source"]["host"].string, !host.isEmpty { source += ", \(host)" }
        return [
            .string(self.age(last, now: now)), .string(event["type"].string ?? ""), .string(event["reason"].string ?? ""),
            .string("\((involved["kind"].string ?? "").lowercased())/\(involved["name"].string ?? "")"),
            .string(involved["fieldPath"].string ?? ""), .string(source), .string(event["message"].string ?? ""),
            .string(self.age(first, now: now)), .string(String(event["count"].int ?? 1)), .string(event.name),
        ]
    }

    // MARK: - Formatting

    static func orNone(_ value: String?) -> String { (value ?? "").isEmpty ? "<none>" : value! }
    static func orUnknown(_ value: String?) -> String { (value ?? "").isEmpty ? "<unknown>" : value! }

    static func date(_ value: JSON) -> Date? {
        guard let text = value.string else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// upstream's `translateTimestampSince`: `<unknown>` without a timestamp, else a human duration.
    static func age(_ timestamp: JSON, now: Date) -> String {
        guard let date = self.date(timestamp) else { return "<unknown>" }
        return self.humanDuration(now.timeIntervalSince(date))
    }

    /// k8s.io/apimachinery/pkg/util/duration.HumanDuration.
    static func humanDuration(_ interval: TimeInterval) -> String {
        let seconds = Int(interval.rounded(.towardZero))
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 { return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s" }
        if minutes < 180 { return "\(minutes)m" }
        let hours = seconds / 3600
        if hours < 8 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m" }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 { return hours % 24 == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(hours % 24)h" }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let days = (hours / 24) % 365
            return days == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(days)d"
        }
        return "\(hours / 24 / 365)y"
    }
}
