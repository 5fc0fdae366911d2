public import Foundation

/// A timestamp with microsecond precision (`metav1.MicroTime`), as Leases and `eventTime` carry it:
/// `2006-01-02T15:04:05.000000Z`. Decodes any RFC 3339 time.
public struct MicroTime: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The instant.
    public var date: Date

    /// Wraps an instant.
    public init(_ date: Date) {
        self.date = date
    }

    /// Decodes an RFC 3339 string.
    /// - Throws: `DecodingError.dataCorrupted` naming the text when it is not a time.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "invalid time \"\(text)\": expected RFC 3339 like 2006-01-02T15:04:05.000000Z"
            )
        }
        self.date = date
    }

    /// Encodes with exactly six fractional digits in UTC, as upstream.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.description)
    }

    /// `2006-01-02T15:04:05.000000Z`.
    public var description: String {
        let micros = (self.date.timeIntervalSince1970 * 1_000_000).rounded()
        let seconds = (micros / 1_000_000).rounded(.down)
        let fraction = Int(micros - seconds * 1_000_000)
        let base = RFC3339.format(Date(timeIntervalSince1970: seconds))
        var digits = String(fraction)
        digits = String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        return base.dropLast() + "." + digits + "Z"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.date < rhs.date }
}
