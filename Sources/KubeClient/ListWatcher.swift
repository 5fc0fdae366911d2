public import KubeAPI
public import Logging

/// What a ``ListWatcher`` delivers.
public enum ListWatchUpdate<Object: Sendable>: Sendable {
    /// Every object after a (re)list: replace what you hold with exactly these (objects deleted while the watch was
    /// down are simply absent). Always the first update, and again after every 410 Gone.
    case snapshot([Object], resourceVersion: String)
    /// An object appeared.
    case added(Object)
    /// An object changed.
    case modified(Object)
    /// An object was deleted; this is its last state.
    case deleted(Object)
}

extension ListWatchUpdate: Equatable where Object: Equatable {}

/// client-go's Reflector as an `AsyncSequence`: list, then watch from the list's resourceVersion, forever.
///
/// - A watch the server ends normally (its `timeoutSeconds`) is reopened at once from the last resourceVersion seen
///   (events and bookmarks advance it).
/// - A dropped or refused watch is reopened from the same resourceVersion after an exponential back-off
///   (800 ms doubling to 30 s, with jitter, like the reflector's; reset once a watch delivers something).
/// - 410 Gone (an HTTP 410 answer or an `ERROR` event with code 410) relists at once and delivers a new
///   ``ListWatchUpdate/snapshot(_:resourceVersion:)``.
/// - A failed list is retried after the back-off.
///
/// Iteration runs in the consumer's task (no task is spawned); it ends (returns nil) when the task is cancelled.
///
/// ```swift
/// let pods = ListWatcher(client: client, of: Pod.self, options: .init(fieldSelector: "spec.nodeName=\(node)"))
/// for try await update in pods {
///     switch update {
///     case .snapshot(let all, _): replaceAll(all)
///     case .added(let pod), .modified(let pod): upsert(pod)
///     case .deleted(let pod): remove(pod)
///     }
/// }
/// ```
public struct ListWatcher<Object: KubeResource, C: Clock>: AsyncSequence, Sendable where C.Duration == Duration {
    public typealias Element = ListWatchUpdate<Object>

    /// What to list and watch, and the timings.
    public struct Options: Sendable {
        /// nil watches every namespace.
        public var namespace: String?
        /// e.g. `app=web`.
        public var labelSelector: String?
        /// e.g. `spec.nodeName=worker-1`.
        public var fieldSelector: String?
        /// List page size (client-go's pager: 500).
        public var pageSize: Int
        /// Watches ask the server to end them after a random time between this and twice this (reflector: 5 min).
        public var minWatchTimeout: Duration
        /// First back-off after a failure (reflector: 800 ms).
        public var initialBackoff: Duration
        /// Back-off cap (reflector: 30 s).
        public var maxBackoff: Duration
        /// Back-off growth per consecutive failure (2).
        public var backoffFactor: Double
        /// Random extra up to this fraction of the back-off (reflector: 1.0); 0 in tests.
        public var jitter: Double

        /// Creates options with the reflector's timings.
        public init(
            namespace: String? = nil,
            labelSelector: String? = nil,
            fieldSelector: String? = nil,
            pageSize: Int = 500,
            minWatchTimeout: Duration = .seconds(300),
            initialBackoff: Duration = .milliseconds(800),
            maxBackoff: Duration = .seconds(30),
            backoffFactor: Double = 2,
            jitter: Double = 1
        ) {
            self.namespace = namespace
            self.labelSelector = labelSelector
            self.fieldSelector = fieldSelector
            self.pageSize = pageSize
            self.minWatchTimeout = minWatchTimeout
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.backoffFactor = backoffFactor
            self.jitter = jitter
        }
    }

    let client: KubeAPIClient
    let options: Options
    let clock: C
    let logger: Logger

    /// Creates the list+watch.
    /// - Parameters:
    ///   - client: the API client.
    ///   - type: the kind.
    ///   - options: selectors, namespace, timings.
    ///   - clock: the clock back-offs sleep on (a manual clock in tests).
    ///   - logger: failures at info/debug level.
    public init(
        client: KubeAPIClient,
        of type: Object.Type,
        options: Options = Options(),
        clock: C,
        logger: Logger = Logger(label: "node-agent.listwatch")
    ) {
        self.client = client
        self.options = options
        self.clock = clock
        self.logger = logger
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(watcher: self)
    }

    /// The reflector's loop, one update per `next()`.
    public struct AsyncIterator: AsyncIteratorProtocol {
        enum Phase {
            case list
            case watch
            case streaming(WatchStream<Object>.AsyncIterator, openedAt: C.Instant, delivered: Bool)
            case backoff(then: After)
        }
        enum After {
            case list
            case watch
        }

        let watcher: ListWatcher
        var phase: Phase = .list
        /// The resourceVersion the next watch starts from.
        public private(set) var resourceVersion: String?
        var failures = 0
        /// Whether any watch delivered something since the last list; a 410 before that waits for the back-off, so a
        /// server that keeps answering 410 is not relisted in a tight loop.
        var progressSinceList = false

        init(watcher: ListWatcher) {
            self.watcher = watcher
        }

        /// The next update; nil once the task is cancelled.
        public mutating func next() async throws -> ListWatchUpdate<Object>? {
            while !Task.isCancelled {
                switch self.phase {
                case .backoff(let after):
                    let delay = self.backoffDelay()
                    self.failures += 1
                    do {
                        try await self.watcher.clock.sleep(for: delay)
                    } catch {
                        return nil
                    }
                    self.phase = after == .list ? .list : .watch
                case .list:
                    if let update = await self.list() { return update }
                case .watch:
                    await self.openWatch()
                case .streaming(var stream, let openedAt, let delivered):
                    self.phase = .watch  // while `stream` is borrowed
                    if let update = await self.read(&stream, openedAt: openedAt, delivered: delivered) {
                        return update
                    }
                }
            }
            return nil
        }

        private mutating func list() async -> ListWatchUpdate<Object>? {
            let options = self.watcher.options
            do {
                let list = try await self.watcher.client.listAll(
                    Object.self,
                    namespace: options.namespace,
                    options: ListOptions(
                        labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
                        limit: options.pageSize
                    )
                )
                let version = list.metadata.resourceVersion ?? ""
                self.resourceVersion = version
                self.failures = 0
                self.progressSinceList = false
                self.phase = .watch
                return .snapshot(list.items, resourceVersion: version)
            } catch {
                if Task.isCancelled { return nil }
                self.watcher.logger.info(
                    "list failed, retrying", metadata: ["resource": "\(Object.resource)", "error": "\(error)"]
                )
                self.phase = .backoff(then: .list)
                return nil
            }
        }

        private mutating func openWatch() async {
            let options = self.watcher.options
            let minimum = options.minWatchTimeout
            let timeout = minimum + minimum * Double.random(in: 0..<1)
            do {
                let stream = try await self.watcher.client.watch(
                    Object.self,
                    namespace: options.namespace,
                    fieldSelector: options.fieldSelector,
                    labelSelector: options.labelSelector,
                    resourceVersion: self.resourceVersion,
                    timeoutSeconds: Int(timeout.components.seconds)
                )
                self.phase = .streaming(stream.makeAsyncIterator(), openedAt: self.watcher.clock.now, delivered: false)
            } catch let error as KubeAPIError where error.isGone {
                self.watcher.logger.debug(
                    "watch resourceVersion too old, relisting",
                    metadata: ["resource": "\(Object.resource)", "resourceVersion": "\(self.resourceVersion ?? "")"]
                )
                self.phase = self.progressSinceList ? .list : .backoff(then: .list)
            } catch {
                if Task.isCancelled { return }
                let retriable = (error as? KubeAPIError).map {
                    $0.isTransport || $0.isTooManyRequests || $0.isServerError
                }
                self.watcher.logger.info(
                    "watch failed, retrying", metadata: ["resource": "\(Object.resource)", "error": "\(error)"]
                )
                self.phase = .backoff(then: retriable ?? true ? .watch : .list)
            }
        }

        private mutating func read(
            _ stream: inout WatchStream<Object>.AsyncIterator,
            openedAt: C.Instant,
            delivered: Bool
        ) async -> ListWatchUpdate<Object>? {
            let event: WatchEvent<Object>?
            do {
                event = try await stream.next()
            } catch {
                if Task.isCancelled { return nil }
                self.watcher.logger.info(
                    "watch stream dropped, resuming",
                    metadata: [
                        "resource": "\(Object.resource)", "resourceVersion": "\(self.resourceVersion ?? "")",
                        "error": "\(error)",
                    ]
                )
                self.phase = .backoff(then: .watch)
                return nil
            }
            guard let event else {
                // The server ended the watch. A watch that ends at once without anything is a failure in disguise.
                let short = openedAt.duration(to: self.watcher.clock.now) < .seconds(1)
                self.phase = !delivered && short ? .backoff(then: .watch) : .watch
                return nil
            }
            switch event {
            case .added(let object), .modified(let object), .deleted(let object):
                self.madeProgress()
                if let version = object.metadata.resourceVersion, !version.isEmpty { self.resourceVersion = version }
                self.phase = .streaming(stream, openedAt: openedAt, delivered: true)
                switch event {
                case .added: return .added(object)
                case .modified: return .modified(object)
                default: return .deleted(object)
                }
            case .bookmark(let version):
                self.madeProgress()
                if !version.isEmpty { self.resourceVersion = version }
                self.phase = .streaming(stream, openedAt: openedAt, delivered: true)
                return nil
            case .error(let status):
                let code = Int(status.code ?? 500)
                let kubeError = KubeAPIError.classify(httpStatus: code, reason: status.reason)
                if code == 410 || kubeError == .gone || kubeError == .expired {
                    self.watcher.logger.debug(
                        "watch expired, relisting",
                        metadata: ["resource": "\(Object.resource)", "message": "\(status.message ?? "")"]
                    )
                    self.phase = self.progressSinceList ? .list : .backoff(then: .list)
                } else if code == 429 || code >= 500 {
                    self.phase = .backoff(then: .watch)
                } else {
                    self.watcher.logger.info(
                        "watch ended with an error, relisting",
                        metadata: ["resource": "\(Object.resource)", "status": "\(status)"]
                    )
                    self.phase = .backoff(then: .list)
                }
                return nil
            }
        }

        /// A watch delivered something: the back-off starts over, and a later 410 may relist at once.
        private mutating func madeProgress() {
            self.failures = 0
            self.progressSinceList = true
        }

        /// The reflector's back-off: initial × factor^failures, capped, plus jitter.
        private func backoffDelay() -> Duration {
            let options = self.watcher.options
            var delay = options.initialBackoff
            for _ in 0..<Swift.min(self.failures, 64) {
                delay = delay * options.backoffFactor
                if delay >= options.maxBackoff {
                    delay = options.maxBackoff
                    break
                }
            }
            if options.jitter > 0 {
                delay += delay * (options.jitter * Double.random(in: 0..<1))
            }
            return delay
        }
    }
}

extension ListWatcher where C == ContinuousClock {
    /// Creates the list+watch on the continuous clock.
    public init(
        client: KubeAPIClient,
        of type: Object.Type,
        options: Options = Options(),
        logger: Logger = Logger(label: "node-agent.listwatch")
    ) {
        self.init(client: client, of: type, options: options, clock: ContinuousClock(), logger: logger)
    }
}
