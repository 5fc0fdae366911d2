public import Foundation

/// The state of one probe worker (one probe kind of one container of one pod), apart from any I/O: upstream's
/// `worker.doProbe` as pure transitions. The worker loop asks ``observe(_:timing:startupPending:now:)`` whether to
/// run the prober, then hands the outcome to ``record(_:timing:)``.
///
/// - The published result starts at the kind's initial value (readiness: failure, liveness: success, startup:
///   unknown) and goes back to it whenever the container ID changes (a new instance).
/// - A result is published after `successThreshold` consecutive successes or `failureThreshold` consecutive
///   failures; `unknown` (the prober itself failed) changes nothing.
/// - No probe runs before `initialDelaySeconds` after the container started, nor (liveness, readiness) while a
///   startup probe has not succeeded; a startup probe stops once it succeeded.
/// - After a liveness or startup failure the worker holds until the container is replaced.
public struct ProbeWorkerState: Hashable, Sendable {
    /// What the worker should do now.
    public enum Action: Hashable, Sendable {
        /// Run the prober.
        case probe
        /// Nothing to do until the next tick; `until` is when the reason ends if known (the initial delay).
        case skip(until: Date?)
    }

    public let kind: ProbeKind
    /// The instance the published result is about.
    public private(set) var containerID: String = ""
    /// The published result.
    public private(set) var result: ProbeResult
    private var lastResult: ProbeResult = .unknown
    private var resultRun = 0
    private var onHold = false

    public init(kind: ProbeKind) {
        self.kind = kind
        self.result = Self.initialResult(kind)
    }

    /// The result before any probe ran: readiness failure, liveness success, startup unknown.
    public static func initialResult(_ kind: ProbeKind) -> ProbeResult {
        switch kind {
        case .readiness: .failure
        case .liveness: .success
        case .startup: .unknown
        }
    }

    /// Takes in the container's current state. Returns what to do and whether the published result changed (a new
    /// instance resets it; a stopped container is not ready).
    /// - Parameter startupPending: the container has a startup probe that has not succeeded (for liveness and
    ///   readiness workers).
    public mutating func observe(
        _ container: ProbedContainer,
        timing: ProbeTiming,
        startupPending: Bool,
        now: Date
    ) -> (action: Action, changed: Bool) {
        let before = self.result
        if container.containerID != self.containerID {
            self.containerID = container.containerID
            self.result = Self.initialResult(self.kind)
            self.lastResult = .unknown
            self.resultRun = 0
            self.onHold = false
        }
        guard container.running, !container.containerID.isEmpty else {
            // A stopped container is not ready; liveness and startup leave the restart to the restart policy.
            if self.kind == .readiness { self.result = .failure }
            return (.skip(until: nil), self.result != before)
        }
        if self.onHold { return (.skip(until: nil), self.result != before) }
        if let startedAt = container.startedAt {
            let due = startedAt.addingTimeInterval(TimeInterval(timing.initialDelaySeconds))
            if now < due { return (.skip(until: due), self.result != before) }
        }
        let gated = self.kind == .startup ? self.result == .success : startupPending
        return (gated ? .skip(until: nil) : .probe, self.result != before)
    }

    /// Counts a probe outcome. Returns `true` when the published result changed.
    public mutating func record(_ outcome: ProbeResult, timing: ProbeTiming) -> Bool {
        guard outcome != .unknown else { return false }
        if outcome == self.lastResult {
            self.resultRun += 1
        } else {
            self.lastResult = outcome
            self.resultRun = 1
        }
        let threshold = outcome == .success ? timing.successThreshold : timing.failureThreshold
        guard self.resultRun >= threshold else { return false }
        let changed = self.result != outcome
        self.result = outcome
        if outcome == .failure && self.kind != .readiness {
            // The container is killed; wait for the next instance instead of piling up failures.
            self.onHold = true
            self.resultRun = 0
        }
        return changed
    }
}

/// When a worker's next tick is due.
public enum ProbeSchedule {
    /// The pause before the next tick: the period, or less when the initial delay ends sooner.
    public static func nextTick(after action: ProbeWorkerState.Action, timing: ProbeTiming, now: Date) -> Duration {
        if case .skip(let until?) = action {
            let left = until.timeIntervalSince(now)
            if left < Double(timing.periodSeconds) { return .milliseconds(max(0, Int64((left * 1000).rounded(.up)))) }
        }
        return timing.period
    }

    /// The pause before a worker's first tick: a random fraction of the period when the agent started less than a
    /// period ago (so restarted agents do not probe everything at once), else none.
    public static func firstTick(
        timing: ProbeTiming,
        agentStarted: Date,
        now: Date,
        random: (Double) -> Double = { Double.random(in: 0..<$0) }
    ) -> Duration {
        guard now.timeIntervalSince(agentStarted) < Double(timing.periodSeconds) else { return .zero }
        return .milliseconds(Int64(random(Double(timing.periodSeconds)) * 1000))
    }
}
