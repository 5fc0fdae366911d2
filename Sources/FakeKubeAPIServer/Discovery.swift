/// Legacy discovery (`/version`, `/api`, `/api/v1`, `/apis`, `/apis/<group>/<version>`) as kube-apiserver serves
/// it when a client asks for plain `application/json`. Aggregated discovery (`application/json;g=apidiscovery...`)
/// is declined by answering with the legacy documents, which kubectl accepts as a fallback.
extension APIRouter {
    func discovery(_ request: RecordedRequest) throws -> APIReply? {
        guard request.method == "GET" || request.method == "HEAD" else { return nil }
        switch request.path {
        case "/version", "/version/":
            return .json(200, self.versionInfo)
        case "/api", "/api/":
            return .json(200, [
                "kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"]],
            ])
        case "/apis", "/apis/":
            return .json(200, ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(self.groups.map(\.json))])
        case "/healthz", "/livez", "/readyz":
            return APIReply(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array("ok".utf8))
        default:
            break
        }
        let segments = request.path.split(separator: "/").map(String.init)
        if segments == ["api", "v1"] {
            return .json(200, self.resourceList(group: "", version: "v1"))
        }
        if segments.count == 2, segments[0] == "apis", let group = self.groups.first(where: { $0.name == segments[1] }) {
            return .json(200, group.json.merging(["kind": "APIGroup", "apiVersion": "v1"]))
        }
        if segments.count == 3, segments[0] == "apis", self.resources.contains(where: { $0.group == segments[1] && $0.version == segments[2] }) {
            return .json(200, self.resourceList(group: segments[1], version: segments[2]))
        }
        return nil
    }

    var versionInfo: JSON {
        let version = self.options.version
        let numbers = version.dropFirst().split(separator: ".")
        return [
            "major": .string(numbers.first.map(String.init) ?? "1"),
            "minor": .string(numbers.dropFirst().first.map(String.init) ?? "32"),
            "gitVersion": .string(version), "gitCommit": "0000000000000000000000000000000000000000",
            "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23.0",
            "compiler": "gc", "platform": "linux/amd64",
        ]
    }

    struct Group {
        var name: String
        var versions: [String]
        var json: JSON {
            let versions = self.versions.map { JSON.object(["groupVersion": .string("\(self.name)/\($0)"), "version": .string($0)]) }
            return ["name": .string(self.name), "versions": .array(versions), "preferredVersion": versions[0]]
        }
    }

    var groups: [Group] {
        var groups: [Group] = []
        for resource in self.resources where !resource.group.isEmpty {
            if let index = groups.firstIndex(where: { $0.name == resource.group }) {
                if !groups[index].versions.contains(resource.version) { groups[index].versions.append(resource.version) }
            } else {
                groups.append(Group(name: resource.group, versions: [resource.version]))
            }
        }
        return groups
    }

    /// An `APIResourceList` with each resource, its verbs, short names and subresources.
    func resourceList(group: String, version: String) -> JSON {
        var entries: [JSON] = []
        for resource in self.resources where resource.group == group && resource.version == version {
            var verbs: [JSON] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
            if resource == .events || resource == .endpoints { verbs = verbs.filter { $0 != "deletecollection" } + [] }
            var entry: JSON = [
                "name": .string(resource.plural), "singularName": .string(resource.singular),
                "namespaced": .bool(resource.namespaced), "kind": .string(resource.kind), "verbs": .array(verbs),
            ]
            if !resource.shortNames.isEmpty { entry["shortNames"] = .array(resource.shortNames.map(JSON.string)) }
            if resource == .pods || resource == .services { entry["categories"] = ["all"] }
            entries.append(entry)
            if resource.hasStatus {
                entries.append([
                    "name": .string("\(resource.plural)/status"), "singularName": "",
                    "namespaced": .bool(resource.namespaced), "kind": .string(resource.kind),
                    "verbs": ["get", "patch", "update"],
                ])
            }
            if resource == .serviceAccounts {
                entries.append([
                    "name": "serviceaccounts/token", "singularName": "", "namespaced": true, "group": "authentication.k8s.io",
                    "version": "v1", "kind": "TokenRequest", "verbs": ["create"],
                ])
            }
        }
        let groupVersion = group.isEmpty ? version : "\(group)/\(version)"
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion), "resources": .array(entries)]
    }
}

extension JSON {
    /// This object with `other`'s members added (replacing same-named ones).
    func merging(_ other: JSON) -> JSON {
        guard case .object(var members) = self, case .object(let extra) = other else { return self }
        for (key, value) in extra { members[key] = value }
        return .object(members)
    }
}
