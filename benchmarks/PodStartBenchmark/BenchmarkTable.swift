import Foundation

/// The measurements of one pod count across runs.
struct BenchmarkRow: Sendable {
    var pods: Int
    var samples: [Sample]

    var floor: Duration { BenchmarkTable.median(self.samples.map(\.floor)) }
    var agent: Duration { BenchmarkTable.median(self.samples.map(\.agent)) }
    var removal: Duration { BenchmarkTable.median(self.samples.map(\.removal)) }
    /// What the agent adds per pod over the floor: (agent - floor) / pods, from the medians.
    var overheadPerPod: Double {
        Double(milliseconds(self.agent) - milliseconds(self.floor)) / Double(self.pods)
    }
}

/// Pure formatting and parsing of the benchmark.
enum BenchmarkTable {
    /// The aim of issue 3: the agent adds at most this much per pod over the floor.
    static let aimPerPodMilliseconds = 50.0

    static func parseCounts(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var counts: [Int] = []
        for part in parts {
            guard let count = Int(part), count >= 1 else {
                throw BenchmarkError("'\(part)' is not a pod count (a whole number of 1 or more)")
            }
            counts.append(count)
        }
        return counts
    }

    /// The median; the mean of the middle two for an even count.
    static func median(_ values: [Duration]) -> Duration {
        guard !values.isEmpty else { return .zero }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static func report(rows: [BenchmarkRow], runs: Int, runtime: String, host: String, date: Date) -> String {
        var lines = [
            "pod start benchmark, \(Self.iso8601(date))",
            "host: \(host); runtime: \(runtime); median of \(runs) run(s)",
            "",
        ]
        let header = [
            "pods", "floor total ms", "agent total ms", "overhead per pod ms", "removal ms", "agent ms per run",
            "lost CRI calls per run",
        ]
        let body = rows.map { row in
            [
                "\(row.pods)",
                "\(milliseconds(row.floor))",
                "\(milliseconds(row.agent))",
                String(format: "%.1f", row.overheadPerPod),
                (row.samples.contains { $0.removalTimedOut } ? ">" : "") + "\(milliseconds(row.removal))",
                row.samples.map { "\(milliseconds($0.agent))" }.joined(separator: "/"),
                row.samples.map { "\($0.lostStreams)" }.joined(separator: "/"),
            ]
        }
        lines += Self.table(header: header, rows: body)
        lines.append("")
        if rows.contains(where: { $0.samples.contains { $0.removalTimedOut } }) {
            lines.append("removal >: at least one run's sandboxes were not all gone within the removal deadline")
        }
        lines.append("overhead per pod = (agent total - floor total) / pods; aim: at most \(Int(Self.aimPerPodMilliseconds)) ms")
        let missed = rows.filter { $0.overheadPerPod > Self.aimPerPodMilliseconds }.map { "\($0.pods)" }
        lines.append(missed.isEmpty ? "aim met at every pod count" : "aim missed at pods = \(missed.joined(separator: ", "))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The agent's log lines that report a CRI call lost to a dropped gRPC stream.
    static func lostStreamLines(in log: String) -> Int {
        log.split(separator: "\n").filter {
            $0.contains("Stream unexpectedly closed") || $0.contains("The transport threw an unexpected error")
        }.count
    }

    /// Right-aligned columns separated by ` | `.
    static func table(header: [String], rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { String(repeating: " ", count: widths[$0.offset] - $0.element.count) + $0.element }
                .joined(separator: " | ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-")
        return [line(header), rule] + rows.map(line)
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// `2026-11-29T1812Z`: sortable and safe in a file name.
    static func fileDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HHmm'Z'"
        return formatter.string(from: date)
    }
}
