import Foundation
import Synchronization

/// An injected fault: the next `remaining` requests matching `method` and `pathPrefix` are delayed by `delay` and,
/// when `status` is set, answered with that code and a Status body instead of being served.
struct Fault: Sendable {
    var method: String?
    var pathPrefix: String
    var remaining: Int?
    var status: Int?
    var message: String?
    var delay: Duration?

    func matches(_ request: RecordedRequest) -> Bool {
        (self.method == nil || self.method == request.method) && request.path.hasPrefix(self.pathPrefix)
    }
}

/// The state shared by all connections: the store, the router, the request log and the faults. It outlives the
/// listening socket, so a restarted server still has its objects.
final class ServerCore: Sendable {
    let store: ObjectStore
    let router: APIRouter
    let configuration: FakeKubeAPIServer.Configuration
    private let requests = Mutex<[RecordedRequest]>([])
    private let faults = Mutex<[Fault]>([])

    init(configuration: FakeKubeAPIServer.Configuration) {
        self.configuration = configuration
        self.store = ObjectStore(historyLimit: configuration.watchHistoryLimit, now: configuration.now)
        self.router = APIRouter(store: self.store, resources: configuration.resources, options: configuration)
    }

    func record(_ request: RecordedRequest) {
        self.requests.withLock { $0.append(request) }
    }

    var recordedRequests: [RecordedRequest] { self.requests.withLock { $0 } }

    func clearRequests() { self.requests.withLock { $0.removeAll() } }

    func addFault(_ fault: Fault) { self.faults.withLock { $0.append(fault) } }

    func clearFaults() { self.faults.withLock { $0.removeAll() } }

    /// The first matching fault, counted down (and dropped when used up).
    func takeFault(for request: RecordedRequest) -> Fault? {
        self.faults.withLock { faults in
            guard let index = faults.firstIndex(where: { $0.matches(request) }) else { return nil }
            let fault = faults[index]
            if let remaining = fault.remaining {
                if remaining <= 1 { faults.remove(at: index) } else { faults[index].remaining = remaining - 1 }
            }
            return fault
        }
    }
}
