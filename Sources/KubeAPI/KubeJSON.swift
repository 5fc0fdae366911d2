public import Foundation

/// The JSON encoder and decoder for Kubernetes objects: timestamps as RFC 3339 (`2024-05-01T10:00:00Z`, seconds
/// precision on output, fractional seconds and offsets accepted on input).
public enum KubeJSON {
    /// A decoder for Kubernetes JSON.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "invalid time \"\(text)\": expected RFC 3339 like 2006-01-02T15:04:05Z"
                )
            }
            return date
        }
        return decoder
    }

    /// An encoder for Kubernetes JSON.
    /// - Parameter sorted: sort object keys (deterministic output, e.g. for hashing).
    public static func encoder(sorted: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        encoder.outputFormatting = sorted ? [.sortedKeys, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
        return encoder
    }
}

/// RFC 3339 timestamps as Kubernetes writes them.
public enum RFC3339 {
    /// Formats with seconds precision in UTC (`metav1.Time`): `2006-01-02T15:04:05Z`.
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    /// Formats with nanosecond precision, trailing zeros dropped (Go's `time.RFC3339Nano`).
    public static func formatNano(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let base = Self.format(Date(timeIntervalSince1970: seconds))
        let nanos = Int(((date.timeIntervalSince1970 - seconds) * 1e9).rounded())
        guard nanos > 0, nanos < 1_000_000_000 else { return base }
        var fraction = String(nanos)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return base.dropLast() + "." + fraction + "Z"
    }

    /// Parses an RFC 3339 timestamp with or without fractional seconds (up to nanoseconds) and with `Z` or an
    /// offset: `2006-01-02T15:04:05Z`, `2006-01-02T15:04:05.999999999+07:00`.
    public static func parse(_ text: String) -> Date? {
        var base = text
        var fraction = 0.0
        if let dot = text.firstIndex(of: ".") {
            let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Double("0." + digits) else { return nil }
            fraction = value
            base = String(text[..<dot]) + String(text[digits.endIndex...])
        }
        guard let date = try? Date(base, strategy: Date.ISO8601FormatStyle()) else { return nil }
        return date.addingTimeInterval(fraction)
    }
}
