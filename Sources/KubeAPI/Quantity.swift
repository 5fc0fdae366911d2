/// A resource amount as Kubernetes writes it (`resource.Quantity`): `100m`, `0.5`, `128Mi`, `1G`, `1e3`.
///
/// The grammar is upstream's: a signed decimal number followed by a binary suffix (`Ki`, `Mi`, `Gi`, `Ti`, `Pi`,
/// `Ei`), a decimal suffix (`m`, none, `k`, `M`, `G`, `T`, `P`, `E`) or a decimal exponent (`e3`, `E-2`). The text is
/// kept as written and encoded unchanged; ``milliValue`` and ``value`` round up, as upstream's do.
///
/// ```swift
/// let cpu = try Quantity("250m")
/// cpu.milliValue  // 250
/// try Quantity("1.5Gi").value  // 1610612736
/// ```
public struct Quantity: Codable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The text as written.
    public let string: String
    private let negative: Bool
    private let mantissa: Int128?
    private let power10: Int
    private let power2: Int

    /// Parses a quantity.
    /// - Parameter string: the text, e.g. `500m` or `2Gi`.
    /// - Throws: ``QuantityError`` naming the text when it does not follow the grammar.
    public init(_ string: String) throws(QuantityError) {
        guard let parsed = Self.parse(Substring(string)) else { throw QuantityError(text: string) }
        self.string = string
        (self.negative, self.mantissa, self.power10, self.power2) = parsed
    }

    /// Creates a quantity from a literal; the literal must be valid.
    public init(stringLiteral value: String) {
        do {
            try self.init(value)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// Decodes a quantity from a string or a number.
    /// - Throws: `DecodingError.dataCorrupted` naming the text when it is not a quantity.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text: String
        if let string = try? container.decode(String.self) {
            text = string
        } else if let integer = try? container.decode(Int64.self) {
            text = String(integer)
        } else {
            let double = try container.decode(Double.self)
            text = double == double.rounded() && abs(double) < 1e15 ? String(Int64(double)) : String(double)
        }
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description)
            )
        }
    }

    /// Encodes the text as written.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.string)
    }

    /// The text as written.
    public var description: String { self.string }

    /// Two quantities are equal when they were written the same way.
    public static func == (lhs: Quantity, rhs: Quantity) -> Bool { lhs.string == rhs.string }

    /// Hashes the text.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.string) }

    /// The amount in thousandths, rounded up (away from zero); saturates at `Int64.max`/`Int64.min`.
    public var milliValue: Int64 { self.scaled(by: 3) }

    /// The amount, rounded up (away from zero); saturates at `Int64.max`/`Int64.min`.
    public var value: Int64 { self.scaled(by: 0) }

    /// Whether the amount is zero.
    public var isZero: Bool { self.mantissa == 0 }

    private func scaled(by exponent: Int) -> Int64 {
        let magnitude = Self.magnitude(self.mantissa, power10: self.power10 + exponent, power2: self.power2)
        guard let magnitude, magnitude <= Int128(Int64.max) else { return self.negative ? Int64.min : Int64.max }
        return self.negative ? -Int64(magnitude) : Int64(magnitude)
    }

    /// ceil(mantissa × 2^power2 × 10^power10), or nil on overflow.
    private static func magnitude(_ mantissa: Int128?, power10: Int, power2: Int) -> Int128? {
        guard var value = mantissa else { return nil }
        if value == 0 { return 0 }
        for _ in 0..<power2 {
            let (doubled, overflow) = value.multipliedReportingOverflow(by: 2)
            if overflow { return nil }
            value = doubled
        }
        if power10 >= 0 {
            for _ in 0..<power10 {
                let (next, overflow) = value.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                value = next
            }
            return value
        }
        if -power10 > 38 { return 1 }
        var divisor: Int128 = 1
        for _ in 0 ..< -power10 { divisor *= 10 }
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder > 0 ? quotient + 1 : quotient
    }

    private static let decimalSuffixes: [Substring: Int] = [
        "": 0, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18,
    ]
    private static let binarySuffixes: [Substring: Int] = [
        "Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60,
    ]

    // swiftlint:disable:next large_tuple
    private static func parse(_ text: Substring) -> (Bool, Int128?, Int, Int)? {
        var rest = text
        var negative = false
        if let first = rest.first, first == "+" || first == "-" {
            negative = first == "-"
            rest = rest.dropFirst()
        }
        let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        rest = rest.dropFirst(number.count)
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !whole.isEmpty || !fraction.isEmpty else { return nil }
        var power10 = -fraction.count
        var power2 = 0
        if let exponent = decimalSuffixes[rest] {
            power10 += exponent
        } else if let exponent = binarySuffixes[rest] {
            power2 = exponent
        } else if let first = rest.first, first == "e" || first == "E" {
            guard let exponent = parseExponent(rest.dropFirst()) else { return nil }
            power10 += exponent
        } else {
            return nil
        }
        let digits = (whole + fraction).drop { $0 == "0" }
        let mantissa: Int128? = digits.count > 37 ? nil : Int128(digits.isEmpty ? "0" : String(digits))
        if digits.isEmpty { negative = false }
        return (negative, mantissa, power10, power2)
    }

    private static func parseExponent(_ text: Substring) -> Int? {
        var rest = text
        var sign = 1
        if let first = rest.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty, rest.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        guard rest.count <= 6, let value = Int(rest) else { return sign * 1_000_000 }
        return sign * value
    }
}

/// A resource quantity that does not follow the grammar.
public struct QuantityError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text at fault.
    public var text: String

    /// Creates the error for `text`.
    public init(text: String) {
        self.text = text
    }

    /// Upstream's message, naming the text.
    public var description: String {
        "invalid quantity \"\(self.text)\": quantities must match the regular expression "
            + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    }
}
