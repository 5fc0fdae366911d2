import Foundation
public import KubeAPI

/// RFC 7386 JSON merge patches computed from two versions of an object: the body of the status patches.
///
/// Objects are diffed key by key (a removed key becomes `null`, so `state.waiting` disappears when a container
/// starts running); arrays and scalars are replaced whole. Upstream's kubelet sends a two-way strategic merge
/// patch instead; for the status fields the agent writes the result on the server is the same, because the agent
/// always sends every element of a list it owns (conditions it does not own are carried over first, see
/// ``PodStatusMerge``), and a merge patch is understood by every API server and by `kubectl patch --type merge`.
public enum MergePatch {
    /// The patch that turns `old` into `new`, or `nil` when they are equal.
    public static func diff(old: JSONValue, new: JSONValue) -> JSONValue? {
        guard old != new else { return nil }
        guard case .object(let oldObject) = old, case .object(let newObject) = new else { return new }
        var patch: [String: JSONValue] = [:]
        for (key, value) in newObject {
            if let previous = oldObject[key] {
                if let change = Self.diff(old: previous, new: value) { patch[key] = change }
            } else {
                patch[key] = value
            }
        }
        for key in oldObject.keys where newObject[key] == nil {
            patch[key] = .null
        }
        return patch.isEmpty ? nil : .object(patch)
    }

    /// Applies `patch` to `target` as RFC 7386 describes (what the API server does with the patch).
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result: [String: JSONValue]
        if case .object(let object) = target { result = object } else { result = [:] }
        for (key, value) in patchObject {
            if value == .null {
                result[key] = nil
            } else {
                result[key] = Self.apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }

    /// Encodes a Codable value as a ``JSONValue`` (through Kubernetes JSON: RFC 3339 times, omitted empties).
    public static func json<T: Encodable>(_ value: T) throws -> JSONValue {
        let data = try KubeJSON.encoder().encode(value)
        return try KubeJSON.decoder().decode(JSONValue.self, from: data)
    }
}
