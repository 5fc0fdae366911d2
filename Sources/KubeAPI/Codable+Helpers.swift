extension KeyedDecodingContainer {
    /// The value for `key`, or nil when the key is missing or null.
    func value<T: Decodable>(_ key: Key) throws -> T? {
        try self.decodeIfPresent(T.self, forKey: key)
    }

    /// The value for `key`, or `defaultValue` when the key is missing or null.
    func value<T: Decodable>(_ key: Key, default defaultValue: T) throws -> T {
        try self.decodeIfPresent(T.self, forKey: key) ?? defaultValue
    }
}

extension KeyedEncodingContainer {
    /// Encodes a collection unless it is empty (Go's `omitempty`).
    mutating func encode<T: Encodable & Collection>(nonEmpty value: T, forKey key: Key) throws {
        if !value.isEmpty { try self.encode(value, forKey: key) }
    }

    /// Encodes a value unless it equals its zero value (Go's `omitempty`).
    mutating func encode<T: Encodable & Equatable>(_ value: T, forKey key: Key, unless zero: T) throws {
        if value != zero { try self.encode(value, forKey: key) }
    }
}
