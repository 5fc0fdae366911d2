extension GoDuration {
    /// Formats a duration as Go's `time.Duration.String()` does: `0s`, `1.5s`, `300ms`, `3m0s`, `1h2m3.5s`,
    /// `-2s`; sub-second values in `ms`, `µs` or `ns`. Precision is nanoseconds.
    public static func format(_ duration: Duration) -> String {
        let parts = duration.components
        // Total nanoseconds, saturating at Int64's range like Go's Duration.
        let (secondsAsNanos, overflow) = parts.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let total: Int64
        if overflow {
            total = parts.seconds < 0 ? .min : .max
        } else {
            total = secondsAsNanos.addingReportingOverflow(parts.attoseconds / 1_000_000_000).overflow
                ? (parts.seconds < 0 ? .min : .max)
                : secondsAsNanos + parts.attoseconds / 1_000_000_000
        }
        if total == 0 { return "0s" }
        let negative = total < 0
        let magnitude = total.magnitude
        let sign = negative ? "-" : ""
        if magnitude < 1_000_000_000 {
            // Below a second: the largest unit that keeps an integer part.
            let (unit, scale): (String, UInt64) =
                magnitude < 1_000 ? ("ns", 1) : magnitude < 1_000_000 ? ("µs", 1_000) : ("ms", 1_000_000)
            return sign + self.fixed(magnitude, scale: scale) + unit
        }
        let hours = magnitude / 3_600_000_000_000
        let minutes = (magnitude / 60_000_000_000) % 60
        let secondsPart = magnitude % 60_000_000_000
        var out = sign
        if hours > 0 { out += "\(hours)h" }
        if hours > 0 || minutes > 0 { out += "\(minutes)m" }
        out += self.fixed(secondsPart, scale: 1_000_000_000) + "s"
        return out
    }

    /// `value / scale` in decimal with trailing fractional zeros removed.
    private static func fixed(_ value: UInt64, scale: UInt64) -> String {
        let integer = value / scale
        let fraction = value % scale
        guard fraction > 0 else { return "\(integer)" }
        var digits = 0
        var s = scale
        while s > 1 {
            s /= 10
            digits += 1
        }
        var text = String(fraction)
        text = String(repeating: "0", count: digits - text.count) + text
        while text.hasSuffix("0") { text.removeLast() }
        return "\(integer).\(text)"
    }
}
