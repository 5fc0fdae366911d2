/// What `kubectl get pods` shows for one pod, computed as its printer does (k/k
/// `pkg/printers/internalversion/printers.go`, `printPod`): READY, STATUS (`Running`, `CrashLoopBackOff`,
/// `Init:0/1`, `PodInitializing`, `Completed`, `Error`, `Terminating`, ...) and RESTARTS.
public struct PodStatusSummary: Sendable, Equatable {
    public var readyContainers: Int
    public var totalContainers: Int
    /// The STATUS column.
    public var status: String
    public var restarts: Int
    /// Unix seconds of the most recent restart (the latest `lastState.terminated.finishedAt`), if known.
    public var lastRestart: Int64?

    /// The READY column, e.g. `1/2`.
    public var ready: String { "\(self.readyContainers)/\(self.totalContainers)" }

    /// Summarizes a pod.
    public init(_ pod: PodListView.Pod) {
        let spec = pod.spec
        let status = pod.status
        let initSpecs = spec.initContainers ?? []
        let sidecars = Set(initSpecs.filter { $0.restartPolicy == "Always" }.map(\.name))
        var total = (spec.containers ?? []).count + sidecars.count
        var ready = 0
        var restarts = 0
        var sidecarRestarts = 0
        var lastRestart: Int64?
        var lastSidecarRestart: Int64?
        var reason = status.reason.flatMap { $0.isEmpty ? nil : $0 } ?? status.phase ?? ""
        if status.conditions?.contains(where: { $0.type == "PodScheduled" && $0.reason == "SchedulingGated" }) == true {
            reason = "SchedulingGated"
        }

        var initializing = false
        let initStatuses = status.initContainerStatuses ?? []
        for (index, container) in initStatuses.enumerated() {
            let finished = Self.finishedAt(container.lastState)
            restarts += container.restartCount ?? 0
            lastRestart = Self.later(lastRestart, finished)
            let isSidecar = sidecars.contains(container.name)
            if isSidecar {
                sidecarRestarts += container.restartCount ?? 0
                lastSidecarRestart = Self.later(lastSidecarRestart, finished)
            }
            let state = container.state
            if let terminated = state?.terminated, terminated.exitCode == 0 {
                continue
            }
            if isSidecar && container.started == true {
                if container.ready == true { ready += 1 }
                continue
            }
            if let terminated = state?.terminated {
                if let why = terminated.reason, !why.isEmpty {
                    reason = "Init:" + why
                } else if let signal = terminated.signal, signal != 0 {
                    reason = "Init:Signal:\(signal)"
                } else {
                    reason = "Init:ExitCode:\(terminated.exitCode)"
                }
            } else if let waiting = state?.waiting?.reason, !waiting.isEmpty, waiting != "PodInitializing" {
                reason = "Init:" + waiting
            } else {
                reason = "Init:\(index)/\(initSpecs.count)"
            }
            initializing = true
            break
        }

        let initialized = status.conditions?.contains { $0.type == "Initialized" && $0.status == "True" } ?? false
        if !initializing || initialized {
            restarts = sidecarRestarts
            lastRestart = lastSidecarRestart
            var hasRunning = false
            for container in (status.containerStatuses ?? []).reversed() {
                restarts += container.restartCount ?? 0
                lastRestart = Self.later(lastRestart, Self.finishedAt(container.lastState))
                let state = container.state
                if let waiting = state?.waiting?.reason, !waiting.isEmpty {
                    reason = waiting
                } else if let terminated = state?.terminated {
                    if let why = terminated.reason, !why.isEmpty {
                        reason = why
                    } else if let signal = terminated.signal, signal != 0 {
                        reason = "Signal:\(signal)"
                    } else {
                        reason = "ExitCode:\(terminated.exitCode)"
                    }
                } else if container.ready == true && state?.running != nil {
                    hasRunning = true
                    ready += 1
                }
            }
            if reason == "Completed" && hasRunning {
                let podReady = status.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false
                reason = podReady ? "Running" : "NotReady"
            }
        }

        let terminal = status.phase == "Succeeded" || status.phase == "Failed"
        if pod.metadata.deletionTimestamp != nil && status.reason == "NodeLost" {
            reason = "Unknown"
        } else if pod.metadata.deletionTimestamp != nil && !terminal {
            reason = "Terminating"
        }
        if total < ready { total = ready }
        self.readyContainers = ready
        self.totalContainers = total
        self.status = reason
        self.restarts = restarts
        self.lastRestart = lastRestart
    }

    private static func finishedAt(_ state: PodListView.ContainerState?) -> Int64? {
        state?.terminated?.finishedAt.flatMap(RFC3339Parser.unixSeconds)
    }

    private static func later(_ a: Int64?, _ b: Int64?) -> Int64? {
        switch (a, b) {
        case (nil, _): b
        case (_, nil): a
        case (let a?, let b?): max(a, b)
        }
    }
}

extension PodTable {
    /// Unix seconds of an RFC 3339 timestamp as Kubernetes writes them (`2024-05-01T10:00:00Z`, optional fraction,
    /// `Z` or `±hh:mm`), or `nil` when `text` is not one.
    public static func unixSeconds(rfc3339 text: String) -> Int64? {
        RFC3339Parser.unixSeconds(text)
    }
}

/// RFC 3339 timestamps, parsed without Foundation's formatters.
enum RFC3339Parser {
    static func unixSeconds(_ text: String) -> Int64? {
        let scalars = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= scalars.count else { return nil }
            var value: Int64 = 0
            for byte in scalars[from..<(from + count)] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard scalars.count >= 20, scalars[4] == 45, scalars[7] == 45, scalars[10] == 84 || scalars[10] == 116,
            scalars[13] == 58, scalars[16] == 58,
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        if index < scalars.count && scalars[index] == 46 {  // fractional seconds, ignored
            index += 1
            while index < scalars.count && scalars[index] >= 48 && scalars[index] <= 57 { index += 1 }
        }
        guard index < scalars.count else { return nil }
        var offset: Int64 = 0
        switch scalars[index] {
        case 90, 122:  // Z
            guard index + 1 == scalars.count else { return nil }
        case 43, 45:  // + or -
            guard index + 6 == scalars.count, scalars[index + 3] == 58,
                let hours = number(index + 1, 2), let minutes = number(index + 4, 2)
            else { return nil }
            offset = (hours * 60 + minutes) * 60 * (scalars[index] == 45 ? -1 : 1)
        default:
            return nil
        }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        return days * 86_400 + hour * 3_600 + minute * 60 + second - offset
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = (month + 9) % 12
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
