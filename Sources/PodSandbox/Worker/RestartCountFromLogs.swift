#if canImport(Glibc)
import Glibc
#endif

/// Upstream's `calcRestartCountByLogDir`: when the runtime no longer has any instance of a container (its state
/// was lost), the restart count continues after the highest `<n>.log` in the container's log directory, so a
/// new instance does not write into an old log file.
enum RestartCountFromLogs {
    /// One more than the highest `<n>.log` (or `<n>.log.<suffix>`) in `directory`; 0 when there is none.
    static func next(directory: String) -> Int {
        guard let dir = opendir(directory) else { return 0 }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            names.append(name)
        }
        return Self.next(fileNames: names)
    }

    /// The pure part of ``next(directory:)``.
    static func next(fileNames: [String]) -> Int {
        var result = 0
        for name in fileNames {
            let digits = name.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, name.dropFirst(digits.count).hasPrefix(".log"), let count = Int(digits) else {
                continue
            }
            result = max(result, count + 1)
        }
        return result
    }
}
