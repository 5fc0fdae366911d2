import Foundation
import KubeAPI

/// Builds the payload of one data volume (configMap, secret, downwardAPI, projected), reading ConfigMaps,
/// Secrets and tokens through the provider (upstream's `SetUpAt` of each plugin up to the atomic write).
struct VolumeDataResolver {
    var pod: Pod
    var context: PodConfigContext
    var provider: (any PodObjectProvider)?
    var tokens: ServiceAccountTokens

    var namespace: String { self.pod.metadata.namespace }

    /// The files of `source`.
    func payload(_ source: VolumePlan.DataSource) async throws(VolumeSetupError) -> [String: FileProjection] {
        switch source {
        case .configMap(let volume):
            let optional = volume.optional == true
            let object = try await self.configMap(volume.name ?? "", optional: optional)
            return try VolumePayload.configMap(
                object, items: volume.items, defaultMode: volume.defaultMode ?? VolumePayload.defaultMode,
                optional: optional)
        case .secret(let volume):
            let optional = volume.optional == true
            let object = try await self.secret(volume.secretName ?? "", optional: optional)
            return try VolumePayload.secret(
                object, items: volume.items, defaultMode: volume.defaultMode ?? VolumePayload.defaultMode,
                optional: optional)
        case .downwardAPI(let volume):
            return try VolumePayload.downwardAPI(
                volume.items, pod: self.pod, context: self.context,
                defaultMode: volume.defaultMode ?? VolumePayload.defaultMode)
        case .projected(let volume):
            return try await self.projected(volume)
        }
    }

    /// Upstream's projected `collectData`: every source is tried, later files win, errors are aggregated.
    func projected(_ volume: ProjectedVolumeSource) async throws(VolumeSetupError) -> [String: FileProjection] {
        let defaultMode = volume.defaultMode ?? VolumePayload.defaultMode
        var payload: [String: FileProjection] = [:]
        var errors: [String] = []
        for source in volume.sources {
            do throws(VolumeSetupError) {
                var part: [String: FileProjection] = [:]
                if let secret = source.secret {
                    let optional = secret.optional == true
                    let object = try await self.secret(secret.name, optional: optional)
                    part = try VolumePayload.secret(
                        object, items: secret.items, defaultMode: defaultMode, optional: optional)
                } else if let configMap = source.configMap {
                    let optional = configMap.optional == true
                    let object = try await self.configMap(configMap.name, optional: optional)
                    part = try VolumePayload.configMap(
                        object, items: configMap.items, defaultMode: defaultMode, optional: optional)
                } else if let downwardAPI = source.downwardAPI {
                    part = try VolumePayload.downwardAPI(
                        downwardAPI.items, pod: self.pod, context: self.context, defaultMode: defaultMode)
                } else if let token = source.serviceAccountToken {
                    part[token.path] = FileProjection(try await self.token(token), mode: self.tokenMode(defaultMode))
                }
                payload.merge(part) { _, new in new }
            } catch {
                errors.append(error.message)
            }
        }
        if !errors.isEmpty { throw VolumeSetupError(VolumePayload.aggregate(errors)) }
        return payload
    }

    /// With an fsGroup the token file is 0600 and the ownership step opens it to the group, as upstream.
    func tokenMode(_ defaultMode: Int32) -> Int32 {
        self.pod.spec.securityContext?.fsGroup != nil ? 0o600 : defaultMode
    }

    func configMap(_ name: String, optional: Bool) async throws(VolumeSetupError) -> ConfigMap {
        let provider = try self.requireProvider()
        let found: ConfigMap?
        do {
            found = try await provider.configMap(namespace: self.namespace, name: name)
        } catch {
            throw VolumeSetupError("\(error)")
        }
        if let found { return found }
        guard optional else { throw VolumeSetupError(NotFound.configMap(name)) }
        return ConfigMap(metadata: ObjectMeta(name: name, namespace: self.namespace))
    }

    func secret(_ name: String, optional: Bool) async throws(VolumeSetupError) -> Secret {
        let provider = try self.requireProvider()
        let found: Secret?
        do {
            found = try await provider.secret(namespace: self.namespace, name: name)
        } catch {
            throw VolumeSetupError("\(error)")
        }
        if let found { return found }
        guard optional else { throw VolumeSetupError(NotFound.secret(name)) }
        return Secret(metadata: ObjectMeta(name: name, namespace: self.namespace))
    }

    func token(_ projection: ServiceAccountTokenProjection) async throws(VolumeSetupError) -> String {
        let provider = try self.requireProvider()
        let account = self.pod.spec.serviceAccountName.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        return try await self.tokens.token(
            provider: provider,
            namespace: self.namespace,
            serviceAccountName: account,
            audience: projection.audience ?? "",
            expirationSeconds: projection.effectiveExpirationSeconds,
            podName: self.pod.metadata.name,
            podUID: self.pod.metadata.uid
        )
    }

    func requireProvider() throws(VolumeSetupError) -> any PodObjectProvider {
        guard let provider = self.provider else {
            throw VolumeSetupError("no API server: ConfigMaps, Secrets and tokens cannot be read")
        }
        return provider
    }
}
