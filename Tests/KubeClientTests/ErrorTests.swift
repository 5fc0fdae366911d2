import Foundation
import KubeAPI
import NIOHTTP1
import Testing

@testable import KubeClient

@Suite("KubeAPIError")
struct ErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var status: Int
        var body: String
        var retryAfter: String? = nil
        var code: KubeAPIError.Code
        var description: String
        var testDescription: String { self.name }
    }

    // Bodies as kube-apiserver writes them.
    static let cases: [Case] = [
        Case(
            name: "404 NotFound",
            status: 404,
            body: #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"web\" not found","reason":"NotFound","details":{"name":"web","kind":"pods"},"code":404}"#,
            code: .notFound,
            description: #"Error from server (NotFound): pods "web" not found"#
        ),
        Case(
            name: "409 AlreadyExists",
            status: 409,
            body: #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"nodes \"n1\" already exists","reason":"AlreadyExists","details":{"name":"n1","kind":"nodes"},"code":409}"#,
            code: .alreadyExists,
            description: #"Error from server (AlreadyExists): nodes "n1" already exists"#
        ),
        Case(
            name: "409 Conflict",
            status: 409,
            body: #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on leases.coordination.k8s.io \"n1\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"n1","group":"coordination.k8s.io","kind":"leases"},"code":409}"#,
            code: .conflict,
            description: #"Error from server (Conflict): Operation cannot be fulfilled on leases.coordination.k8s.io "n1": the object has been modified; please apply your changes to the latest version and try again"#
        ),
        Case(
            name: "422 Invalid",
            status: 422,
            body: #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Pod \"web\" is invalid: spec.containers[0].image: Required value","reason":"Invalid","details":{"name":"web","kind":"Pod","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers[0].image"}]},"code":422}"#,
            code: .invalid,
            description: #"Error from server (Invalid): Pod "web" is invalid: spec.containers[0].image: Required value"#
        ),
        Case(
            name: "401 Unauthorized",
            status: 401,
            body: #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#,
            code: .unauthorized,
            description: "Error from server (Unauthorized): Unauthorized"
        ),
        Case(
            name: "403 Forbidden",
            status: 403,
            body: #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"nodes \"n2\" is forbidden: User \"system:node:n1\" cannot patch resource \"nodes\" in API group \"\" at the cluster scope","reason":"Forbidden","details":{"name":"n2","kind":"nodes"},"code":403}"#,
            code: .forbidden,
            description: #"Error from server (Forbidden): nodes "n2" is forbidden: User "system:node:n1" cannot patch resource "nodes" in API group "" at the cluster scope"#
        ),
        Case(
            name: "410 Expired",
            status: 410,
            body: #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (120)","reason":"Expired","code":410}"#,
            code: .expired,
            description: "Error from server (Expired): too old resource version: 5 (120)"
        ),
        Case(
            name: "429 with Retry-After",
            status: 429,
            body: #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"causes":[{"message":"client is being throttled"}],"retryAfterSeconds":1},"code":429}"#,
            retryAfter: "3",
            code: .tooManyRequests,
            description: "Error from server (TooManyRequests): Too many requests, please try again later."
        ),
        Case(
            name: "500 without a Status",
            status: 500,
            body: "etcdserver: request timed out",
            code: .internalError,
            description: #"Error from server (InternalError): an error on the server ("etcdserver: request timed out") has prevented the request from succeeding"#
        ),
        Case(
            name: "404 without a body",
            status: 404,
            body: "",
            code: .notFound,
            description: "Error from server (NotFound): the server could not find the requested resource"
        ),
        Case(
            name: "409 without a reason",
            status: 409,
            body: "{}",
            code: .conflict,
            description: "Error from server (Conflict): the server reported a conflict"
        ),
        Case(
            name: "410 without a Status",
            status: 410,
            body: "gone",
            code: .gone,
            description: "Error from server (Gone): the server responded with the status code 410 but did not return "
                + "more information"
        ),
        Case(
            name: "403 from a proxy",
            status: 403,
            body: "denied by policy",
            code: .forbidden,
            description: "Error from server (Forbidden): denied by policy"
        ),
    ]

    @Test("decoding the server's answers", arguments: cases)
    func decode(_ c: Case) {
        let error = KubeAPIError.fromResponse(
            httpStatus: c.status, body: Array(c.body.utf8), retryAfterHeader: c.retryAfter,
            request: "GET https://h/api/v1/x"
        )
        #expect(error.code == c.code)
        #expect(error.httpStatus == c.status)
        #expect(error.description == c.description)
    }

    @Test("helpers and details")
    func helpers() {
        let invalid = KubeAPIError.fromResponse(
            httpStatus: 422, body: Array(Self.cases[3].body.utf8), retryAfterHeader: nil, request: "POST x"
        )
        #expect(invalid.isInvalid && !invalid.isConflict)
        #expect(invalid.status?.details?.causes.first?.field == "spec.containers[0].image")
        let throttled = KubeAPIError.fromResponse(
            httpStatus: 429, body: Array(Self.cases[7].body.utf8), retryAfterHeader: nil, request: "GET x"
        )
        #expect(throttled.isTooManyRequests)
        #expect(throttled.retryAfter == .seconds(1))
        let withHeader = KubeAPIError.fromResponse(
            httpStatus: 429, body: Array(Self.cases[7].body.utf8), retryAfterHeader: "3", request: "GET x"
        )
        #expect(withHeader.retryAfter == .seconds(3))
        let expired = KubeAPIError.fromResponse(
            httpStatus: 410, body: Array(Self.cases[6].body.utf8), retryAfterHeader: nil, request: "GET x"
        )
        #expect(expired.isGone)
        let exists = KubeAPIError.fromResponse(
            httpStatus: 409, body: Array(Self.cases[1].body.utf8), retryAfterHeader: nil, request: "POST x"
        )
        #expect(exists.isAlreadyExists && !exists.isConflict)
        let bareCreate = KubeAPIError.fromResponse(httpStatus: 409, body: [], retryAfterHeader: nil, request: "POST x")
        #expect(bareCreate.isAlreadyExists)
    }

    @Test("the client throws the decoded error; transport failures name the request")
    func throughTheClient() async throws {
        let (client, _) = try scriptedClient { request in
            if request.path.hasSuffix("/broken") { throw POSIXError(.ECONNREFUSED) }
            return .json(Self.cases[0].body, status: .notFound)
        }
        let notFound = await #expect(throws: KubeAPIError.self) {
            _ = try await client.get(Pod.self, namespace: "ns", name: "web")
        }
        #expect(notFound?.isNotFound == true)
        #expect(notFound?.request == "GET https://api.test:6443/api/v1/namespaces/ns/pods/web")
        let refused = await #expect(throws: KubeAPIError.self) {
            _ = try await client.get(Pod.self, namespace: "ns", name: "broken")
        }
        #expect(refused?.isTransport == true)
        #expect(refused?.description.hasPrefix("GET https://api.test:6443/api/v1/namespaces/ns/pods/broken: ") == true)
    }

    @Test("429 is retried after Retry-After, then the answer is returned")
    func retryAfter() async throws {
        let (client, transport) = try scriptedClient { _ in
            .json(Self.cases[7].body, status: .tooManyRequests, headers: ["Retry-After": "0"])
        }
        let error = await #expect(throws: KubeAPIError.self) {
            _ = try await client.get(Node.self, name: "n1")
        }
        #expect(error?.isTooManyRequests == true)
        #expect(transport.requests.count == 1 + client.maxRetryAfterRetries)
    }
}
