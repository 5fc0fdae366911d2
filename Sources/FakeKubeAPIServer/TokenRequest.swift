import Synchronization
public import Foundation

/// A service account token the server issued through `serviceaccounts/<name>/token`.
public struct IssuedToken: Sendable, Equatable {
    public var namespace: String
    public var serviceAccount: String
    public var audiences: [String]
    /// The pod named in `spec.boundObjectRef`, if any.
    public var boundPod: String?
    public var token: String
    public var expiration: Date
}

extension APIRouter {
    /// `POST .../serviceaccounts/<name>/token`: a TokenRequest answered with a JWT-shaped (unsigned: the signature
    /// is a fixed marker) token and `status.expirationTimestamp`. `expirationSeconds` defaults to 3600, and is
    /// raised to the 600 s minimum as upstream does.
    func tokenRequest(_ request: RecordedRequest, _ target: APIRouter.Target) throws -> APIReply {
        let namespace = target.namespace ?? "default"
        let name = target.name ?? ""
        let account = try self.store.get(.serviceAccounts, namespace: namespace, name: name)
        let body = request.body.isEmpty ? JSON.object([:]) : try self.body(request)
        let seconds = max(600, body["spec"]["expirationSeconds"].int ?? 3600)
        let audiences = (body["spec"]["audiences"].array ?? []).compactMap(\.string)
        let now = self.store.now()
        let expiration = now.addingTimeInterval(Double(seconds))
        let boundRef = body["spec"]["boundObjectRef"]
        var claims: JSON = [
            "iss": "https://kubernetes.default.svc.cluster.local",
            "sub": .string("system:serviceaccount:\(namespace):\(name)"),
            "aud": .array((audiences.isEmpty ? ["https://kubernetes.default.svc.cluster.local"] : audiences).map(JSON.string)),
            "iat": .int(Int64(now.timeIntervalSince1970)), "nbf": .int(Int64(now.timeIntervalSince1970)),
            "exp": .int(Int64(expiration.timeIntervalSince1970)),
            "kubernetes.io": [
                "namespace": .string(namespace),
                "serviceaccount": ["name": .string(name), "uid": .string(account.uid)],
            ],
        ]
        if boundRef["kind"].string == "Pod", let pod = boundRef["name"].string {
            claims["kubernetes.io"]["pod"] = ["name": .string(pod), "uid": boundRef["uid"]]
        }
        let header: JSON = ["alg": "RS256", "kid": "fake-kube-apiserver"]
        let token = [header.serializedBytes(), claims.serializedBytes(), Array("fake-signature".utf8)]
            .map(Self.base64URL).joined(separator: ".")
        let issued = IssuedToken(
            namespace: namespace, serviceAccount: name, audiences: audiences, boundPod: boundRef["name"].string,
            token: token, expiration: expiration
        )
        self.store.state.withLock { $0.issuedTokens.append(issued) }
        var response: JSON = [
            "kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
            "metadata": ["name": .string(name), "namespace": .string(namespace), "creationTimestamp": nil],
            "spec": body["spec"].isNull ? [:] : body["spec"],
            "status": ["token": .string(token), "expirationTimestamp": self.store.timestamp(expiration)],
        ]
        response["spec"]["expirationSeconds"] = .int(seconds)
        return .json(201, response)
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
