import Foundation

/// The PATCH formats kube-apiserver accepts for built-in resources (server-side apply excepted).
public enum PatchType: String, Sendable, CaseIterable {
    case json = "application/json-patch+json"
    case merge = "application/merge-patch+json"
    case strategicMerge = "application/strategic-merge-patch+json"

    /// The type of a request's `Content-Type` (parameters such as `; charset=utf-8` ignored).
    public init?(contentType: String) {
        let mediaType = contentType.split(separator: ";").first.map { String($0).trimmingSpaces().lowercased() } ?? ""
        self.init(rawValue: mediaType)
    }
}

enum Patch {
    /// Applies `patch` of `type` to `document`.
    /// - Throws: ``APIStatusError`` 400 for a malformed patch, 422 for a failed JSON-patch `test` or bad path.
    static func apply(_ type: PatchType, patch: JSON, to document: JSON) throws -> JSON {
        switch type {
        case .merge:
            guard case .object = patch else { throw APIStatusError.badRequest("a merge patch must be a JSON object") }
            return self.mergePatch(document, patch)
        case .strategicMerge:
            guard case .object = patch else {
                throw APIStatusError.badRequest("a strategic merge patch must be a JSON object")
            }
            return self.strategicMerge(document, patch, field: "")
        case .json:
            guard case .array(let operations) = patch else {
                throw APIStatusError.badRequest("a JSON patch must be a JSON array of operations")
            }
            return try JSONPatch.apply(operations, to: document)
        }
    }

    /// RFC 7386: objects merge recursively, `null` removes, anything else replaces.
    static func mergePatch(_ target: JSON, _ patch: JSON) -> JSON {
        guard case .object(let patchMembers) = patch else { return patch }
        var result: [String: JSON]
        if case .object(let existing) = target { result = existing } else { result = [:] }
        for (key, value) in patchMembers {
            if value.isNull {
                result.removeValue(forKey: key)
            } else {
                result[key] = self.mergePatch(result[key] ?? .null, value)
            }
        }
        return .object(result)
    }

    /// The merge keys of the lists the agent patches (upstream's `patchMergeKey` struct tags). Other lists are
    /// replaced whole, as lists without a `patchStrategy:"merge"` tag are.
    static let mergeKeys: [String: String] = [
        "conditions": "type", "addresses": "type", "containerStatuses": "name", "initContainerStatuses": "name",
        "ephemeralContainerStatuses": "name", "containers": "name", "initContainers": "name",
        "ephemeralContainers": "name", "volumes": "name", "env": "name", "volumeMounts": "mountPath",
        "ports": "containerPort", "podIPs": "ip", "hostIPs": "ip", "ownerReferences": "uid", "taints": "key",
        "imagePullSecrets": "name", "volumesAttached": "name", "resourceClaimStatuses": "name",
        "readinessGates": "conditionType",
    ]

    /// Lists of scalars merged as sets (`patchStrategy:"merge"` on a primitive list).
    static let mergedScalarLists: Set<String> = ["finalizers", "volumesInUse"]

    /// A strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) for the fields the agent uses: maps
    /// merge as in a merge patch; lists named in ``mergeKeys`` merge element by key (an element carrying
    /// `$patch: delete` removes its match) and follow `$setElementOrder/<list>`; `finalizers` merge as a set with
    /// `$deleteFromPrimitiveList/finalizers`; `$patch: replace` on a map replaces it; `$retainKeys` is ignored.
    static func strategicMerge(_ target: JSON, _ patch: JSON, field: String) -> JSON {
        guard case .object(var patchMembers) = patch else { return patch }
        if patchMembers["$patch"]?.string == "replace" {
            patchMembers.removeValue(forKey: "$patch")
            return .object(patchMembers.filter { !$0.key.hasPrefix("$") })
        }
        if patchMembers["$patch"]?.string == "delete" { return .null }
        var result: [String: JSON]
        if case .object(let existing) = target { result = existing } else { result = [:] }
        var orders: [String: [JSON]] = [:]
        for (key, value) in patchMembers {
            if key.hasPrefix("$setElementOrder/") {
                orders[String(key.dropFirst("$setElementOrder/".count))] = value.array ?? []
                continue
            }
            if key.hasPrefix("$deleteFromPrimitiveList/") {
                let list = String(key.dropFirst("$deleteFromPrimitiveList/".count))
                let removed = value.array ?? []
                if case .array(let items) = result[list] ?? .null {
                    result[list] = .array(items.filter { !removed.contains($0) })
                }
                continue
            }
            if key.hasPrefix("$") { continue }
            if value.isNull {
                result.removeValue(forKey: key)
            } else if case .array(let patchItems) = value, let mergeKey = self.mergeKeys[key] {
                let existing = result[key]?.array ?? []
                result[key] = .array(self.mergeList(existing, patchItems, mergeKey: mergeKey))
            } else if case .array(let patchItems) = value, self.mergedScalarLists.contains(key) {
                var merged = result[key]?.array ?? []
                for item in patchItems where !merged.contains(item) { merged.append(item) }
                result[key] = .array(merged)
            } else if case .object = value {
                let merged = self.strategicMerge(result[key] ?? .null, value, field: key)
                if merged.isNull { result.removeValue(forKey: key) } else { result[key] = merged }
            } else {
                result[key] = value
            }
        }
        for (list, order) in orders {
            guard case .array(let items) = result[list] ?? .null else { continue }
            result[list] = .array(self.reorder(items, by: order, mergeKey: self.mergeKeys[list]))
        }
        return .object(result)
    }

    static func mergeList(_ existing: [JSON], _ patchItems: [JSON], mergeKey: String) -> [JSON] {
        var merged = existing
        for item in patchItems {
            let key = item[mergeKey]
            let index = key.isNull ? nil : merged.firstIndex { $0[mergeKey] == key }
            if item["$patch"].string == "delete" {
                if let index { merged.remove(at: index) }
            } else if let index {
                merged[index] = self.strategicMerge(merged[index], item, field: "")
            } else {
                merged.append(self.strategicMerge(.null, item, field: ""))
            }
        }
        return merged
    }

    /// Puts the elements named in `order` first, in that order, then the rest in their current order.
    static func reorder(_ items: [JSON], by order: [JSON], mergeKey: String?) -> [JSON] {
        var remaining = items
        var ordered: [JSON] = []
        for entry in order {
            let match: Int?
            if let mergeKey {
                match = remaining.firstIndex { $0[mergeKey] == entry[mergeKey] }
            } else {
                match = remaining.firstIndex(of: entry)
            }
            if let match { ordered.append(remaining.remove(at: match)) }
        }
        return ordered + remaining
    }
}

/// RFC 6902 JSON Patch with RFC 6901 pointers: add, remove, replace, move, copy, test.
enum JSONPatch {
    static func apply(_ operations: [JSON], to document: JSON) throws -> JSON {
        var document = document
        for (index, operation) in operations.enumerated() {
            guard let op = operation["op"].string, let path = operation["path"].string else {
                throw APIStatusError.badRequest("JSON patch operation \(index) needs \"op\" and \"path\"")
            }
            let pointer = try self.pointer(path)
            switch op {
            case "add":
                document = try self.add(document, pointer, operation["value"], index: index)
            case "remove":
                document = try self.remove(document, pointer, index: index).document
            case "replace":
                _ = try self.get(document, pointer, index: index)
                document = try self.remove(document, pointer, index: index).document
                document = try self.add(document, pointer, operation["value"], index: index)
            case "move", "copy":
                guard let from = operation["from"].string else {
                    throw APIStatusError.badRequest("JSON patch operation \(index) (\(op)) needs \"from\"")
                }
                let source = try self.pointer(from)
                let value = try self.get(document, source, index: index)
                if op == "move" { document = try self.remove(document, source, index: index).document }
                document = try self.add(document, pointer, value, index: index)
            case "test":
                let actual = try self.get(document, pointer, index: index)
                guard actual == operation["value"] else {
                    throw self.invalid(index, "testing value \(path) failed")
                }
            default:
                throw APIStatusError.badRequest("JSON patch operation \(index): unknown op \"\(op)\"")
            }
        }
        return document
    }

    static func invalid(_ index: Int, _ message: String) -> APIStatusError {
        APIStatusError(code: 422, reason: "Invalid", message: "the JSON patch operation \(index) failed: \(message)")
    }

    static func pointer(_ path: String) throws -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw APIStatusError.badRequest("invalid JSON pointer \"\(path)\"") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func get(_ document: JSON, _ pointer: [String], index: Int) throws -> JSON {
        var current = document
        for token in pointer {
            switch current {
            case .object(let members):
                guard let next = members[token] else { throw self.invalid(index, "path /\(pointer.joined(separator: "/")) does not exist") }
                current = next
            case .array(let items):
                guard let position = Int(token), items.indices.contains(position) else {
                    throw self.invalid(index, "array index \(token) out of range")
                }
                current = items[position]
            default:
                throw self.invalid(index, "path /\(pointer.joined(separator: "/")) does not exist")
            }
        }
        return current
    }

    static func add(_ document: JSON, _ pointer: [String], _ value: JSON, index: Int) throws -> JSON {
        guard let token = pointer.first else { return value }
        let rest = Array(pointer.dropFirst())
        switch document {
        case .object(var members):
            if rest.isEmpty {
                members[token] = value
            } else {
                guard let child = members[token] else {
                    throw self.invalid(index, "missing path segment \"\(token)\"")
                }
                members[token] = try self.add(child, rest, value, index: index)
            }
            return .object(members)
        case .array(var items):
            if rest.isEmpty {
                if token == "-" { items.append(value); return .array(items) }
                guard let position = Int(token), position >= 0, position <= items.count else {
                    throw self.invalid(index, "array index \(token) out of range")
                }
                items.insert(value, at: position)
            } else {
                guard let position = Int(token), items.indices.contains(position) else {
                    throw self.invalid(index, "array index \(token) out of range")
                }
                items[position] = try self.add(items[position], rest, value, index: index)
            }
            return .array(items)
        default:
            throw self.invalid(index, "cannot add below a scalar at \"\(token)\"")
        }
    }

    static func remove(_ document: JSON, _ pointer: [String], index: Int) throws -> (document: JSON, removed: JSON) {
        guard let token = pointer.first else { return (.null, document) }
        let rest = Array(pointer.dropFirst())
        switch document {
        case .object(var members):
            guard let child = members[token] else { throw self.invalid(index, "missing path segment \"\(token)\"") }
            if rest.isEmpty {
                members.removeValue(forKey: token)
                return (.object(members), child)
            }
            let (updated, removed) = try self.remove(child, rest, index: index)
            members[token] = updated
            return (.object(members), removed)
        case .array(var items):
            guard let position = Int(token), items.indices.contains(position) else {
                throw self.invalid(index, "array index \(token) out of range")
            }
            if rest.isEmpty {
                let removed = items.remove(at: position)
                return (.array(items), removed)
            }
            let (updated, removed) = try self.remove(items[position], rest, index: index)
            items[position] = updated
            return (.array(items), removed)
        default:
            throw self.invalid(index, "missing path segment \"\(token)\"")
        }
    }
}
