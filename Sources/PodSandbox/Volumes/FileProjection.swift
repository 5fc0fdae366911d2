public import Foundation

/// The content and mode of one file of a volume (upstream's `volumeutil.FileProjection`).
public struct FileProjection: Hashable, Sendable {
    /// The bytes.
    public var data: Data
    /// The file mode bits (e.g. `0o644`).
    public var mode: Int32

    /// - Parameters:
    ///   - data: the bytes.
    ///   - mode: the file mode bits.
    public init(data: Data, mode: Int32) {
        self.data = data
        self.mode = mode
    }

    /// A text file.
    public init(_ text: String, mode: Int32) {
        self.init(data: Data(text.utf8), mode: mode)
    }
}
