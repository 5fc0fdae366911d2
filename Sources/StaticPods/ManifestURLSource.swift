public import AsyncHTTPClient
public import Foundation
import KubeAPI
public import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// The static-pod manifest URL (`staticPodURL`, `--manifest-url`): GETs it every `httpCheckFrequency` and publishes
/// a full ``PodSourceSnapshot`` whenever the set changed. The body may hold one `v1 Pod` or a `v1 PodList`, in YAML
/// or JSON. Pods are annotated with source `http`. When a fetch fails (connection, HTTP status, bad body) the last
/// good pods are kept and the error is reported in ``PodSourceSnapshot/errors``; an empty body is an empty set
/// (as upstream).
///
/// ```swift
/// let source = ManifestURLSource(url: "http://10.0.0.1/pods.yaml", nodeName: "node-1", logger: logger)
/// ```
public final class ManifestURLSource: ManifestSource {
    /// The polled URL.
    public let url: String
    /// `http`.
    public var kind: PodSourceKind { .http }
    /// The snapshots (see ``ManifestSource/snapshots``).
    public let snapshots: AsyncStream<PodSourceSnapshot>

    private let httpCheckFrequency: Duration
    private let requestTimeout: Duration
    private let httpClient: HTTPClient
    private let clock: any Clock<Duration>
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let continuation: AsyncStream<PodSourceSnapshot>.Continuation
    private let state: Mutex<State>

    private struct State {
        var set: StaticPodSet
        var lastGood: [Pod] = []
        var last: PodSourceSnapshot?
    }

    /// The most a manifest body may hold.
    static let maxBodyBytes = 16 << 20

    /// Creates the source; nothing happens until ``run()``.
    /// - Parameters:
    ///   - url: the manifest URL.
    ///   - nodeName: this node's name.
    ///   - httpCheckFrequency: the polling period (upstream default 20s).
    ///   - requestTimeout: the deadline of one GET (upstream's client uses 10s).
    ///   - httpClient: the client to fetch with.
    ///   - clock: the clock the period is measured on.
    ///   - now: wall-clock time for `kubernetes.io/config.seen`.
    ///   - logger: for fetch errors.
    public init(
        url: String,
        nodeName: String,
        httpCheckFrequency: Duration = .seconds(20),
        requestTimeout: Duration = .seconds(10),
        httpClient: HTTPClient = .shared,
        clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) {
        self.url = url
        self.httpCheckFrequency = httpCheckFrequency
        self.requestTimeout = requestTimeout
        self.httpClient = httpClient
        self.clock = clock
        self.now = now
        self.logger = logger
        self.state = Mutex(State(set: StaticPodSet(nodeName: nodeName, source: .http)))
        (self.snapshots, self.continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The last snapshot published, if any.
    public var current: PodSourceSnapshot? {
        self.state.withLock { $0.last }
    }

    /// Polls until the task is cancelled; finishes ``snapshots`` on return.
    public func run() async throws {
        defer { self.continuation.finish() }
        while !Task.isCancelled {
            await self.pollOnce()
            guard (try? await sleep(on: self.clock, for: self.httpCheckFrequency)) != nil else { break }
        }
    }

    /// Fetches once and publishes the snapshot when it changed.
    func pollOnce() async {
        let outcome: Result<[Pod], ManifestError>
        do {
            outcome = .success(try await self.fetch())
        } catch let error as ManifestError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(ManifestError(path: self.url, message: "\(error)"))
        }
        let now = self.now()
        let changed: PodSourceSnapshot? = self.state.withLock { state in
            var snapshot: PodSourceSnapshot
            switch outcome {
            case .success(let pods):
                state.lastGood = pods
                snapshot = state.set.snapshot(of: [.init(location: self.url, result: .success(pods))], now: now)
            case .failure(let error):
                let kept = StaticPodSet.Manifest(location: self.url, result: .success(state.lastGood))
                snapshot = state.set.snapshot(of: [kept], now: now)
                snapshot.errors.insert(error, at: 0)
            }
            guard snapshot != state.last else { return nil }
            state.last = snapshot
            return snapshot
        }
        guard let changed else { return }
        for error in changed.errors {
            self.logger.debug("static pod URL skipped", metadata: ["manifest.error": "\(error)"])
        }
        self.continuation.yield(changed)
    }

    /// GETs the URL and decodes the pods.
    func fetch() async throws -> [Pod] {
        let request = HTTPClientRequest(url: self.url)
        let timeout = TimeAmount.nanoseconds(Int64(self.requestTimeout.components.seconds) * 1_000_000_000)
        let response: HTTPClientResponse
        do {
            response = try await self.httpClient.execute(request, timeout: timeout, logger: self.logger)
        } catch {
            throw ManifestError(path: self.url, message: "GET failed: \(error)")
        }
        guard response.status == .ok else {
            let status = "\(response.status.code) \(response.status.reasonPhrase)"
            throw ManifestError(path: self.url, message: "GET returned HTTP \(status)")
        }
        let body = try await response.body.collect(upTo: Self.maxBodyBytes)
        let data = Data(body.readableBytesView)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
            return []
        }
        do {
            return try ManifestDecoding.decodePods(data, source: self.url)
        } catch {
            throw ManifestError(path: self.url, message: error.reason)
        }
    }
}
