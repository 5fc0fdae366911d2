import SwiftProtobuf

/// Lets tests serialize generated messages without naming SwiftProtobuf's protocol in every signature.
typealias SwiftProtobufMessage = SwiftProtobuf.Message

extension SwiftProtobuf.Message {
    func serializedBytesArray() throws -> [UInt8] {
        try self.serializedBytes()
    }
}
