public import Foundation
public import KubeAPI
public import KubeClient
public import PodSandbox

/// The ConfigMaps, Secrets and service-account tokens of the node's pods, read from the API server (volumes and
/// env of cluster pods). Reads go to the server on every sync, as upstream's `Get` strategy: the syncer's atomic
/// writer skips unchanged payloads, so a sync costs a GET per referenced object and nothing on disk.
public struct APIObjectProvider: PodObjectProvider {
    let client: KubeAPIClient

    public init(client: KubeAPIClient) {
        self.client = client
    }

    public func configMap(namespace: String, name: String) async throws -> ConfigMap? {
        do {
            return try await self.client.get(ConfigMap.self, namespace: namespace, name: name)
        } catch let error as KubeAPIError where error.code == .notFound {
            return nil
        }
    }

    public func secret(namespace: String, name: String) async throws -> Secret? {
        do {
            return try await self.client.get(Secret.self, namespace: namespace, name: name)
        } catch let error as KubeAPIError where error.code == .notFound {
            return nil
        }
    }

    public func serviceAccountToken(
        namespace: String,
        serviceAccountName: String,
        audience: String,
        expirationSeconds: Int64,
        podName: String,
        podUID: String
    ) async throws -> (token: String, expiration: Date) {
        let request = TokenRequest(
            spec: TokenRequestSpec(
                audiences: audience.isEmpty ? [] : [audience],
                expirationSeconds: expirationSeconds,
                boundObjectRef: BoundObjectReference(kind: "Pod", apiVersion: "v1", name: podName, uid: podUID)
            )
        )
        let answer = try await self.client.createToken(serviceAccount: serviceAccountName, namespace: namespace, request: request)
        guard let status = answer.status, !status.token.isEmpty else {
            throw TokenRequestError(message: "TokenRequest for serviceaccount \(namespace)/\(serviceAccountName) returned no token")
        }
        return (status.token, status.expirationTimestamp ?? Date().addingTimeInterval(TimeInterval(expirationSeconds)))
    }
}

/// A TokenRequest answered without a token.
public struct TokenRequestError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { self.message }
}
