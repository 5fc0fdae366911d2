/// The Prometheus text exposition format, version 0.0.4.
///
/// Output is stable: families sorted by name, label pairs sorted by label name (a histogram's `le` last), series
/// sorted by their label values, numbers formatted as the Go client formats them (`strconv.FormatFloat(v, 'g', -1,
/// 64)`, so `0.005`, `3600`, `1e+06`, `+Inf`).
public enum PrometheusText {
    /// The `Content-Type` of this format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Renders families (in the given order) as exposition text. Families without series are left out.
    public static func render(_ families: [MetricFamilySnapshot]) -> String {
        var out = ""
        for family in families where !family.series.isEmpty {
            self.render(family, into: &out)
        }
        return out
    }

    static func render(_ family: MetricFamilySnapshot, into out: inout String) {
        let descriptor = family.descriptor
        out += "# HELP \(descriptor.name) \(self.escapeHelp(descriptor.exposedHelp))\n"
        out += "# TYPE \(descriptor.name) \(family.type.rawValue)\n"
        // Label names sorted, as the Go client does; the series sorted by values in that order.
        let order = descriptor.labelNames.indices.sorted { descriptor.labelNames[$0] < descriptor.labelNames[$1] }
        let names = order.map { descriptor.labelNames[$0] }
        let series = family.series
            .map { series in (values: order.map { series.labelValues[$0] }, value: series.value) }
            .sorted { $0.values.lexicographicallyPrecedes($1.values) }
        for entry in series {
            let pairs = Array(zip(names, entry.values))
            switch entry.value {
            case .scalar(let value):
                out += "\(descriptor.name)\(self.labels(pairs)) \(self.formatValue(value))\n"
            case .histogram(let histogram):
                let cumulative = histogram.cumulativeCounts
                for (index, bound) in histogram.upperBounds.enumerated() {
                    let le = pairs + [("le", self.formatValue(bound))]
                    out += "\(descriptor.name)_bucket\(self.labels(le)) \(cumulative[index])\n"
                }
                out += "\(descriptor.name)_bucket\(self.labels(pairs + [("le", "+Inf")])) \(histogram.count)\n"
                out += "\(descriptor.name)_sum\(self.labels(pairs)) \(self.formatValue(histogram.sum))\n"
                out += "\(descriptor.name)_count\(self.labels(pairs)) \(histogram.count)\n"
            }
        }
    }

    static func labels(_ pairs: [(String, String)]) -> String {
        guard !pairs.isEmpty else { return "" }
        return "{" + pairs.map { "\($0.0)=\"\(self.escapeLabelValue($0.1))\"" }.joined(separator: ",") + "}"
    }

    /// Escapes a label value: backslash, double quote and line feed.
    public static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Escapes a help text: backslash and line feed.
    public static func escapeHelp(_ help: String) -> String {
        var out = ""
        for character in help.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Whether `name` is a valid metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    public static func isValidMetricName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isNameStart(first) || first == ":" else { return false }
        return name.unicodeScalars.allSatisfy { isNameStart($0) || $0 == ":" || ("0"..."9").contains($0) }
    }

    /// Whether `name` is a valid label name: `[a-zA-Z_][a-zA-Z0-9_]*`, not reserved (`__` prefix).
    public static func isValidLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isNameStart(first), !name.hasPrefix("__") else { return false }
        return name.unicodeScalars.allSatisfy { isNameStart($0) || ("0"..."9").contains($0) }
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }

    /// Formats a sample value as the Go client does: `+Inf`, `-Inf`, `NaN`, `0`, else the shortest representation
    /// that round-trips, in `%e` style when the decimal exponent is below -4 or at least 6 (Go's `'g'` with
    /// shortest precision), e.g. `0.005`, `3600`, `1e+06`, `1.5e-05`.
    public static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == 0 { return "0" }
        let (negative, digits, pointPosition) = self.shortestDigits(value)
        let sign = negative ? "-" : ""
        let exponent = pointPosition - 1
        if exponent < -4 || exponent >= 6 {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let magnitude = abs(exponent)
            let exponentText = (magnitude < 10 ? "0" : "") + String(magnitude)
            return "\(sign)\(mantissa)e\(exponent < 0 ? "-" : "+")\(exponentText)"
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count)
        }
        let index = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<index] + "." + digits[index...]
    }

    /// The shortest round-tripping decimal digits of a finite non-zero value (no leading or trailing zeros) and
    /// the position of the decimal point relative to them (value = 0.DIGITS × 10^pointPosition).
    static func shortestDigits(_ value: Double) -> (negative: Bool, digits: String, pointPosition: Int) {
        // Swift's description is the shortest round-tripping form, e.g. "0.005", "1e-05", "3600.0", "1.5e+16".
        var text = Substring(value.magnitude.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let integerPart = text.prefix { $0 != "." }
        let fractionPart = text.drop { $0 != "." }.dropFirst()
        var digits = String(integerPart) + String(fractionPart)
        var point = integerPart.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        return (value.sign == .minus, digits, point)
    }
}
