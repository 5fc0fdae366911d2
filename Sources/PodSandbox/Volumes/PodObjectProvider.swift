public import Foundation
public import KubeAPI

/// Where the agent reads the API objects a pod references: ConfigMaps and Secrets for volumes and env, and
/// bound service-account tokens (the TokenRequest API) for projected volumes. In cluster mode the API client
/// (or its watch cache) implements it; standalone mode has none, and pods that reference API objects are
/// refused with an error naming the field.
public protocol PodObjectProvider: Sendable {
    /// A ConfigMap.
    ///
    /// - Parameters:
    ///   - namespace: the pod's namespace.
    ///   - name: the ConfigMap's name.
    /// - Returns: the object, or `nil` when it does not exist (404).
    /// - Throws: any other failure (unreachable server, 403, ...); the message is shown to the user.
    func configMap(namespace: String, name: String) async throws -> ConfigMap?

    /// A Secret.
    ///
    /// - Parameters:
    ///   - namespace: the pod's namespace.
    ///   - name: the Secret's name.
    /// - Returns: the object, or `nil` when it does not exist (404).
    /// - Throws: any other failure; the message is shown to the user.
    func secret(namespace: String, name: String) async throws -> Secret?

    /// A token of a service account bound to the pod (`POST .../serviceaccounts/<name>/token` with a
    /// `boundObjectRef` to the pod).
    ///
    /// - Parameters:
    ///   - namespace: the pod's namespace.
    ///   - serviceAccountName: the pod's service account.
    ///   - audience: the audience; empty for the API server's own.
    ///   - expirationSeconds: the requested validity.
    ///   - podName: the pod the token is bound to.
    ///   - podUID: its UID.
    /// - Returns: the token and when it expires (`status.expirationTimestamp`).
    /// - Throws: any failure; the message is shown to the user.
    func serviceAccountToken(
        namespace: String,
        serviceAccountName: String,
        audience: String,
        expirationSeconds: Int64,
        podName: String,
        podUID: String
    ) async throws -> (token: String, expiration: Date)
}

/// The ConfigMaps and Secrets a pod references, by name; for the API watch to decide which pods to resync when
/// an object changes.
public struct PodObjectReferences: Hashable, Sendable {
    /// ConfigMap names (volumes, projected sources, `configMapKeyRef`, `envFrom.configMapRef`).
    public var configMaps: Set<String> = []
    /// Secret names (volumes, projected sources, `secretKeyRef`, `envFrom.secretRef`).
    public var secrets: Set<String> = []
    /// Whether a projected volume holds a service-account token.
    public var serviceAccountToken = false

    /// Collects the references of every volume and container (init containers included) of `pod`.
    ///
    /// - Parameter pod: the pod.
    public init(_ pod: Pod) {
        for volume in pod.spec.volumes {
            if let name = volume.configMap?.name, !name.isEmpty { self.configMaps.insert(name) }
            if let name = volume.secret?.secretName, !name.isEmpty { self.secrets.insert(name) }
            for source in volume.projected?.sources ?? [] {
                if let name = source.configMap?.name { self.configMaps.insert(name) }
                if let name = source.secret?.name { self.secrets.insert(name) }
                if source.serviceAccountToken != nil { self.serviceAccountToken = true }
            }
        }
        for container in pod.spec.initContainers + pod.spec.containers {
            let env = Self.envReferences(container)
            self.configMaps.formUnion(env.configMaps)
            self.secrets.formUnion(env.secrets)
        }
    }

    /// Whether the pod references nothing from the API.
    public var isEmpty: Bool { self.configMaps.isEmpty && self.secrets.isEmpty && !self.serviceAccountToken }

    /// The ConfigMaps and Secrets one container's environment references.
    static func envReferences(_ container: Container) -> (configMaps: Set<String>, secrets: Set<String>) {
        var configMaps: Set<String> = []
        var secrets: Set<String> = []
        for source in container.envFrom {
            if let name = source.configMapRef?.name { configMaps.insert(name) }
            if let name = source.secretRef?.name { secrets.insert(name) }
        }
        for variable in container.env {
            if let name = variable.valueFrom?.configMapKeyRef?.name { configMaps.insert(name) }
            if let name = variable.valueFrom?.secretKeyRef?.name { secrets.insert(name) }
        }
        return (configMaps, secrets)
    }
}

/// The ConfigMaps and Secrets one container's environment references, fetched before its configuration is
/// built, so that the pure builder can resolve `configMapKeyRef`, `secretKeyRef` and `envFrom` with upstream's
/// semantics (a missing object is an error unless optional; another failure always is).
public struct PodAPIObjects: Sendable {
    /// The outcome of one fetch.
    public enum Lookup<Object: Sendable>: Sendable {
        /// The object.
        case found(Object)
        /// 404.
        case notFound
        /// Any other failure, with its message.
        case failed(String)
    }

    /// ConfigMaps by name.
    public var configMaps: [String: Lookup<ConfigMap>]
    /// Secrets by name.
    public var secrets: [String: Lookup<Secret>]

    /// - Parameters:
    ///   - configMaps: ConfigMaps by name.
    ///   - secrets: Secrets by name.
    public init(configMaps: [String: Lookup<ConfigMap>] = [:], secrets: [String: Lookup<Secret>] = [:]) {
        self.configMaps = configMaps
        self.secrets = secrets
    }

    /// Fetches what `container`'s environment references.
    ///
    /// - Parameters:
    ///   - container: the container.
    ///   - namespace: the pod's namespace.
    ///   - provider: where objects come from.
    /// - Returns: every referenced object's lookup.
    public static func fetch(for container: Container, namespace: String, provider: any PodObjectProvider) async
        -> PodAPIObjects
    {
        let references = PodObjectReferences.envReferences(container)
        var result = PodAPIObjects()
        for name in references.configMaps.sorted() {
            do {
                result.configMaps[name] = try await provider.configMap(namespace: namespace, name: name)
                    .map(Lookup.found) ?? .notFound
            } catch {
                result.configMaps[name] = .failed("\(error)")
            }
        }
        for name in references.secrets.sorted() {
            do {
                result.secrets[name] = try await provider.secret(namespace: namespace, name: name)
                    .map(Lookup.found) ?? .notFound
            } catch {
                result.secrets[name] = .failed("\(error)")
            }
        }
        return result
    }
}

/// Upstream's not-found messages for the objects the kubelet reads (`configmap "x" not found`).
enum NotFound {
    static func configMap(_ name: String) -> String { "configmap \"\(name)\" not found" }
    static func secret(_ name: String) -> String { "secret \"\(name)\" not found" }
}
