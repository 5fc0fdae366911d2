import Foundation

/// Malformed JSON, with the byte offset where parsing stopped.
public struct JSONParseError: Error, CustomStringConvertible, Sendable {
    public var offset: Int
    public var reason: String
    public var description: String { "invalid JSON at offset \(self.offset): \(self.reason)" }
}

extension JSON {
    /// Parses a JSON document.
    /// - Throws: ``JSONParseError`` naming the offset at fault.
    public init(parsing bytes: some Collection<UInt8>) throws {
        var parser = JSONParser(bytes: Array(bytes))
        parser.skipSpace()
        let value = try parser.parseValue(depth: 0)
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.error("trailing characters") }
        self = value
    }

    /// Parses a JSON document from text.
    public init(parsing text: String) throws {
        try self.init(parsing: Array(text.utf8))
    }

    /// A value converted from an `Encodable` (e.g. a KubeAPI model) through `JSONEncoder`.
    public init(encoding value: some Encodable) throws {
        try self.init(parsing: try JSONEncoder().encode(value))
    }

    /// Decodes this value as `type` (e.g. a KubeAPI model) through `JSONDecoder`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(self.serializedBytes()))
    }

    /// The compact serialization, keys sorted.
    public func serialized() -> String {
        String(decoding: self.serializedBytes(), as: UTF8.self)
    }

    /// The compact serialization as UTF-8 bytes, keys sorted.
    public func serializedBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        self.write(to: &out)
        return out
    }

    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .double(let value):
            if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
                out.append(contentsOf: String(Int64(value)).utf8)
            } else if value.isFinite {
                out.append(contentsOf: "\(value)".utf8)
            } else {
                out.append(contentsOf: "null".utf8)
            }
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                members[key]!.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// A small recursive-descent JSON parser (RFC 8259) that keeps integers as `Int64`.
struct JSONParser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func error(_ reason: String) -> JSONParseError { JSONParseError(offset: self.index, reason: reason) }

    mutating func skipSpace() {
        while self.index < self.bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(self.bytes[self.index]) {
            self.index += 1
        }
    }

    mutating func parseValue(depth: Int) throws -> JSON {
        guard depth < 512 else { throw self.error("nesting too deep") }
        guard self.index < self.bytes.count else { throw self.error("unexpected end of input") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return try self.parseObject(depth: depth)
        case UInt8(ascii: "["): return try self.parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"): try self.expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try self.expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try self.expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try self.parseNumber()
        default: throw self.error("unexpected character '\(Character(UnicodeScalar(self.bytes[self.index])))'")
        }
    }

    mutating func expect(_ word: String) throws {
        let literal = Array(word.utf8)
        guard self.index + literal.count <= self.bytes.count,
            Array(self.bytes[self.index..<self.index + literal.count]) == literal
        else { throw self.error("expected \(word)") }
        self.index += literal.count
    }

    mutating func parseObject(depth: Int) throws -> JSON {
        self.index += 1
        var members: [String: JSON] = [:]
        self.skipSpace()
        if self.peek(UInt8(ascii: "}")) { self.index += 1; return .object(members) }
        while true {
            self.skipSpace()
            guard self.peek(UInt8(ascii: "\"")) else { throw self.error("expected a member name") }
            let key = try self.parseString()
            self.skipSpace()
            guard self.peek(UInt8(ascii: ":")) else { throw self.error("expected ':'") }
            self.index += 1
            self.skipSpace()
            members[key] = try self.parseValue(depth: depth + 1)
            self.skipSpace()
            if self.peek(UInt8(ascii: ",")) { self.index += 1; continue }
            if self.peek(UInt8(ascii: "}")) { self.index += 1; return .object(members) }
            throw self.error("expected ',' or '}'")
        }
    }

    mutating func parseArray(depth: Int) throws -> JSON {
        self.index += 1
        var items: [JSON] = []
        self.skipSpace()
        if self.peek(UInt8(ascii: "]")) { self.index += 1; return .array(items) }
        while true {
            self.skipSpace()
            items.append(try self.parseValue(depth: depth + 1))
            self.skipSpace()
            if self.peek(UInt8(ascii: ",")) { self.index += 1; continue }
            if self.peek(UInt8(ascii: "]")) { self.index += 1; return .array(items) }
            throw self.error("expected ',' or ']'")
        }
    }

    func peek(_ byte: UInt8) -> Bool { self.index < self.bytes.count && self.bytes[self.index] == byte }

    mutating func parseString() throws -> String {
        self.index += 1
        var out: [UInt8] = []
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            self.index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard self.index < self.bytes.count else { throw self.error("unterminated escape") }
                let escape = self.bytes[self.index]
                self.index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try self.parseHex4()
                    if (0xD800..<0xDC00).contains(scalar), self.peek(UInt8(ascii: "\\")) {
                        self.index += 1
                        guard self.peek(UInt8(ascii: "u")) else { throw self.error("expected a low surrogate") }
                        self.index += 1
                        let low = try self.parseHex4()
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    out.append(contentsOf: String(UnicodeScalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
                default: throw self.error("invalid escape")
                }
            case 0..<0x20:
                throw self.error("control character in string")
            default:
                out.append(byte)
            }
        }
        throw self.error("unterminated string")
    }

    mutating func parseHex4() throws -> UInt32 {
        guard self.index + 4 <= self.bytes.count,
            let value = UInt32(String(decoding: self.bytes[self.index..<self.index + 4], as: UTF8.self), radix: 16)
        else { throw self.error("invalid \\u escape") }
        self.index += 4
        return value
    }

    mutating func parseNumber() throws -> JSON {
        let start = self.index
        var isInteger = true
        if self.peek(UInt8(ascii: "-")) { self.index += 1 }
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                self.index += 1
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
            {
                isInteger = false
                self.index += 1
            } else {
                break
            }
        }
        let text = String(decoding: self.bytes[start..<self.index], as: UTF8.self)
        if isInteger, let value = Int64(text) { return .int(value) }
        guard let value = Double(text) else { throw JSONParseError(offset: start, reason: "invalid number \(text)") }
        return .double(value)
    }
}
