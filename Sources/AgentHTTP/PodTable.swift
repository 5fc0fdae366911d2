/// Renders the agent's pods as `kubectl get pods` tables: a pure function of the decoded PodList and the time.
///
/// ```
/// NAMESPACE   NAME        READY   STATUS    RESTARTS   AGE   IP           NODE
/// default     web-node1   1/1     Running   0          5m    10.88.0.12   node1
/// ```
public enum PodTable {
    /// Which columns to show.
    public struct Options: Sendable, Equatable {
        /// Adds IP and NODE (`-o wide`).
        public var wide: Bool
        /// Adds the per-container table (`--containers`).
        public var containers: Bool

        public init(wide: Bool = false, containers: Bool = false) {
            self.wide = wide
            self.containers = containers
        }
    }

    /// The pods table, and with ``Options/containers`` a blank line and the containers table.
    /// - Parameters:
    ///   - list: the pods, shown sorted by namespace and name.
    ///   - now: the current time in Unix seconds, for AGE and RESTARTS.
    ///   - options: the columns.
    /// - Returns: the text, ending with a newline; `No resources found.` when there are no pods.
    public static func render(_ list: PodListView, now: Int64, options: Options = Options()) -> String {
        guard !list.items.isEmpty else { return "No resources found.\n" }
        let pods = list.items.sorted { a, b in
            (a.metadata.namespace ?? "", a.metadata.name ?? "") < (b.metadata.namespace ?? "", b.metadata.name ?? "")
        }
        var header = ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
        if options.wide { header += ["IP", "NODE"] }
        var rows = [header]
        for pod in pods {
            rows.append(self.podRow(pod, now: now, wide: options.wide))
        }
        var out = self.layout(rows)
        if options.containers {
            var containerRows = [["POD", "CONTAINER", "STATE", "REASON", "RESTARTS", "STARTED", "CONTAINER-ID"]]
            for pod in pods {
                containerRows += self.containerRows(pod, now: now)
            }
            out += "\n" + self.layout(containerRows)
        }
        return out
    }

    static func podRow(_ pod: PodListView.Pod, now: Int64, wide: Bool) -> [String] {
        let summary = PodStatusSummary(pod)
        var restarts = String(summary.restarts)
        if summary.restarts != 0, let last = summary.lastRestart {
            restarts += " (\(self.age(since: last, now: now)) ago)"
        }
        let created = pod.metadata.creationTimestamp.flatMap(RFC3339Parser.unixSeconds)
        var row = [
            pod.metadata.namespace ?? "default",
            pod.metadata.name ?? "",
            summary.ready,
            summary.status,
            restarts,
            created.map { self.age(since: $0, now: now) } ?? "<unknown>",
        ]
        if wide {
            let ip = pod.status.podIPs?.first?.ip ?? pod.status.podIP
            row += [self.orNone(ip), self.orNone(pod.spec.nodeName)]
        }
        return row
    }

    static func containerRows(_ pod: PodListView.Pod, now: Int64) -> [[String]] {
        let podName = "\(pod.metadata.namespace ?? "default")/\(pod.metadata.name ?? "")"
        let statuses = (pod.status.initContainerStatuses ?? []).map { ($0, true) }
            + (pod.status.containerStatuses ?? []).map { ($0, false) }
        var rows: [[String]] = []
        var seen = Set<String>()
        for (status, isInit) in statuses {
            seen.insert(status.name)
            let (state, reason, started) = self.describe(status.state)
            rows.append([
                podName,
                isInit ? "\(status.name) (init)" : status.name,
                state,
                self.orNone(reason),
                String(status.restartCount ?? 0),
                started.flatMap(RFC3339Parser.unixSeconds).map { self.age(since: $0, now: now) + " ago" } ?? "<none>",
                self.shortID(status.containerID),
            ])
        }
        // Containers in the spec with no status yet.
        let initSpecs = (pod.spec.initContainers ?? []).map { ($0.name, true) }
        let specs = initSpecs + (pod.spec.containers ?? []).map { ($0.name, false) }
        for (name, isInit) in specs where !seen.contains(name) {
            rows.append([podName, isInit ? "\(name) (init)" : name, "Unknown", "<none>", "0", "<none>", "<none>"])
        }
        return rows
    }

    /// STATE, REASON and the start time of a container state.
    static func describe(_ state: PodListView.ContainerState?) -> (String, String?, String?) {
        if let terminated = state?.terminated {
            var reason = terminated.reason ?? ""
            reason += reason.isEmpty ? "exit \(terminated.exitCode)" : " (exit \(terminated.exitCode))"
            return ("Terminated", reason, terminated.startedAt)
        }
        if let running = state?.running {
            return ("Running", nil, running.startedAt)
        }
        if let waiting = state?.waiting {
            return ("Waiting", waiting.reason, nil)
        }
        return ("Unknown", nil, nil)
    }

    /// A container ID without its runtime prefix, cut to 13 characters as `crictl ps` shows it.
    static func shortID(_ id: String?) -> String {
        guard var id, !id.isEmpty else { return "<none>" }
        if let separator = id.split(separator: "/", omittingEmptySubsequences: false).first,
            separator.hasSuffix(":"), id.dropFirst(separator.count).hasPrefix("//")
        {
            id = String(id.dropFirst(separator.count + 2))
        }
        return String(id.prefix(13))
    }

    static func orNone(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "<none>" }
        return text
    }

    static func age(since: Int64, now: Int64) -> String {
        self.humanDuration(seconds: now - since)
    }

    /// Upstream's `duration.HumanDuration` (apimachinery), in whole seconds: `45s`, `5m30s`, `3h`, `2d4h`, `3y`.
    public static func humanDuration(seconds: Int64) -> String {
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 60 * 2 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let s = seconds % 60
            return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s"
        }
        if minutes < 60 * 3 { return "\(minutes)m" }
        let hours = seconds / 3_600
        if hours < 8 {
            let m = minutes % 60
            return m == 0 ? "\(hours)h" : "\(hours)h\(m)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let h = hours % 24
            return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let days = (hours / 24) % 365
            return days == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(days)d"
        }
        return "\(hours / 24 / 365)y"
    }

    /// Lays rows out as kubectl's tabwriter does: each column as wide as its widest cell plus 3 spaces (at least
    /// 6), the last column unpadded.
    public static func layout(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var out = ""
        for row in rows {
            var line = ""
            for (index, cell) in row.enumerated() {
                if index == row.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: max(widths[index] + 3, 6) - cell.count)
                }
            }
            out += line + "\n"
        }
        return out
    }
}
