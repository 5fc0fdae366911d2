import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// `GET /api/v1/namespaces/{ns}/pods/{name}/log` as kube-apiserver serves it (pkg/registry/core/pod/rest/log.go,
/// strategy.go `LogLocation`): the pod's `spec.nodeName`, that Node's InternalIP (else ExternalIP, else Hostname)
/// and `status.daemonEndpoints.kubeletEndpoint.Port` name the kubelet; the request goes to
/// `https://IP:PORT/containerLogs/{ns}/{name}/{container}?<the other query items>` without verifying the kubelet's
/// certificate, presenting the server's client certificate when it has TLS material, and the body is streamed
/// back as it arrives. A non-2xx answer from the kubelet becomes a Status with its text as the message (so
/// `kubectl logs` prints `Error from server (BadRequest): <kubelet's text>`).
enum NodeLogProxy {
    struct Target: Equatable {
        var host: String
        var port: Int
        var path: String
    }

    /// The kubelet URL for a pod log request; nil when the request is not one.
    /// - Throws: ``APIStatusError`` as upstream: 404 for the pod, 400 for the container choice or an unbound pod.
    static func target(_ request: RecordedRequest, store: ObjectStore) throws -> Target? {
        let parts = request.path.split(separator: "/").map(String.init)
        guard request.method == "GET", parts.count == 7, parts[0] == "api", parts[1] == "v1", parts[2] == "namespaces",
            parts[4] == "pods", parts[6] == "log"
        else { return nil }
        let (namespace, name) = (parts[3], parts[5])
        let pod = try store.get(.pods, namespace: namespace, name: name)
        func names(_ field: String) -> [String] { (pod["spec"][field].array ?? []).compactMap { $0["name"].string } }
        let containers = names("containers")
        var container = request.queryValue("container") ?? ""
        if container.isEmpty {
            guard containers.count == 1 else {
                throw APIStatusError(
                    code: 400, reason: "BadRequest",
                    message:
                        "a container name must be specified for pod \(name), choose one of: [\(containers.joined(separator: " "))]"
                )
            }
            container = containers[0]
        } else if !(containers + names("initContainers") + names("ephemeralContainers")).contains(container) {
            throw APIStatusError(
                code: 400, reason: "BadRequest", message: "container \(container) is not valid for pod \(name)")
        }
        guard let nodeName = pod["spec"]["nodeName"].string, !nodeName.isEmpty else {
            throw APIStatusError(code: 400, reason: "BadRequest", message: "pod \(name) does not have a host assigned")
        }
        let node = try store.get(.nodes, namespace: nil, name: nodeName)
        let addresses = node["status"]["addresses"].array ?? []
        let host = ["InternalIP", "ExternalIP", "Hostname"].lazy.compactMap { type in
            addresses.first { $0["type"].string == type }?["address"].string
        }.first
        let port = node["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"].int ?? 0
        guard let host, port > 0 else {
            throw APIStatusError(
                code: 500, reason: "InternalError", message: "node \(nodeName) has no address or kubelet port to reach")
        }
        let query = request.rawQuery.split(separator: "&").filter { !($0 == "container" || $0.hasPrefix("container=")) }
        let path =
            "/containerLogs/\(namespace)/\(name)/\(container)"
            + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        return Target(host: host, port: Int(port), path: path)
    }

    /// Connects to the kubelet on the request's event loop and relays its answer to `downstream`.
    static func start(_ target: Target, downstream: any Channel, head: HTTPRequestHead, tls material: TLSMaterial?) {
        let relay = RelayHandler(downstream: downstream, requestHead: head)
        let bootstrap = ClientBootstrap(group: downstream.eventLoop)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    var tls = TLSConfiguration.makeClientConfiguration()
                    tls.certificateVerification = .none
                    if let material {
                        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(material.clientCertificatePath).map {
                            .certificate($0)
                        }
                        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: material.clientKeyPath, format: .pem))
                    }
                    let context = try NIOSSLContext(configuration: tls)
                    try channel.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: context, serverHostname: nil))
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(relay)
                }
            }
        bootstrap.connect(host: target.host, port: target.port).whenComplete { result in
            switch result {
            case .success(let upstream):
                downstream.closeFuture.whenComplete { _ in upstream.close(promise: nil) }
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: "\(target.host):\(target.port)")
                upstream.write(
                    HTTPClientRequestPart.head(
                        HTTPRequestHead(version: .http1_1, method: .GET, uri: target.path, headers: headers)),
                    promise: nil)
                upstream.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            case .failure(let error):
                relay.fail("Get \"https://\(target.host):\(target.port)\(target.path)\": \(error)")
            }
        }
    }

    /// Relays the kubelet's response (on the upstream channel's loop, which is the downstream's too).
    final class RelayHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPClientResponsePart

        let downstream: any Channel
        let requestHead: HTTPRequestHead
        private var status = 0
        private var streaming = false
        private var errorBody: [UInt8] = []
        private var finished = false

        init(downstream: any Channel, requestHead: HTTPRequestHead) {
            self.downstream = downstream
            self.requestHead = requestHead
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head(let head):
                self.status = Int(head.status.code)
                guard (200..<300).contains(self.status) else { return }
                self.streaming = true
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: head.headers["Content-Type"].first ?? "text/plain")
                headers.add(name: "Transfer-Encoding", value: "chunked")
                headers.add(name: "Cache-Control", value: "no-cache, private")
                self.downstream.writeAndFlush(
                    HTTPServerResponsePart.head(
                        HTTPResponseHead(version: self.requestHead.version, status: head.status, headers: headers)),
                    promise: nil)
            case .body(let buffer):
                if self.streaming {
                    self.downstream.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
                } else {
                    self.errorBody += Array(buffer.readableBytesView)
                }
            case .end:
                self.finish()
                context.close(promise: nil)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            if !self.finished {
                if self.streaming { self.finish() } else { self.fail("the kubelet closed the connection") }
            }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if !self.streaming && !self.finished { self.fail("\(error)") }
            context.close(promise: nil)
        }

        private func finish() {
            guard !self.finished else { return }
            if !self.streaming {
                let reason = AnyReason.name(self.status)
                self.reply(
                    APIStatusError(
                        code: self.status, reason: reason, message: String(decoding: self.errorBody, as: UTF8.self)))
                return
            }
            self.finished = true
            let keepAlive = self.requestHead.isKeepAlive
            let downstream = self.downstream
            downstream.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in
                if !keepAlive { downstream.close(promise: nil) }
            }
        }

        func fail(_ message: String) {
            guard !self.finished, !self.streaming else { return }
            self.reply(APIStatusError(code: 500, reason: "InternalError", message: message))
        }

        private func reply(_ error: APIStatusError) {
            self.finished = true
            let reply = APIReply.error(error)
            var headers = HTTPHeaders(reply.headers)
            headers.add(name: "Content-Length", value: String(reply.body.count))
            if !self.requestHead.isKeepAlive { headers.add(name: "Connection", value: "close") }
            let head = HTTPResponseHead(
                version: self.requestHead.version, status: .init(statusCode: reply.status), headers: headers)
            self.downstream.write(HTTPServerResponsePart.head(head), promise: nil)
            self.downstream.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: reply.body))), promise: nil)
            let keepAlive = self.requestHead.isKeepAlive
            let downstream = self.downstream
            downstream.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in
                if !keepAlive { downstream.close(promise: nil) }
            }
        }
    }

    enum AnyReason {
        static func name(_ status: Int) -> String { APIChannelHandler.reason(for: status) }
    }
}

extension APIChannelHandler {
    /// Serves a pod log request by proxying it to the pod's kubelet; false when the request is not one.
    func proxyNodeLogs(context: ChannelHandlerContext, head: HTTPRequestHead, request: RecordedRequest) -> Bool {
        do {
            guard let target = try NodeLogProxy.target(request, store: self.core.store) else { return false }
            NodeLogProxy.start(target, downstream: context.channel, head: head, tls: self.core.configuration.tls)
        } catch let error as APIStatusError {
            self.write(context: context, head: head, reply: .error(error))
        } catch {
            self.write(
                context: context, head: head,
                reply: .error(APIStatusError(code: 500, reason: "InternalError", message: "\(error)")))
        }
        return true
    }
}
