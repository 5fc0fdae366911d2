#if canImport(Glibc)
import Glibc
#endif

/// The parts of a `resolv.conf` the agent passes on to pods: name servers, search domains and options.
///
/// Parsed as upstream does (k/k `pkg/kubelet/network/dns/dns.go`, `parseResolvConf`): `nameserver` lines
/// accumulate, the last `search` line wins (trailing dots removed), the last `options` line wins, comments
/// (`#`) and unknown keywords are ignored.
public struct ResolvConf: Hashable, Sendable {
    /// `nameserver` entries, in order.
    public var nameservers: [String]
    /// The search domains of the last `search` line.
    public var searches: [String]
    /// The options of the last `options` line.
    public var options: [String]

    /// A resolv.conf with the given contents.
    ///
    /// - Parameters:
    ///   - nameservers: `nameserver` entries, in order.
    ///   - searches: the search domains.
    ///   - options: resolver options such as `ndots:5`.
    public init(nameservers: [String] = [], searches: [String] = [], options: [String] = []) {
        self.nameservers = nameservers
        self.searches = searches
        self.options = options
    }

    /// Parses the text of a resolv.conf file.
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - path: the file's path, for error messages.
    /// - Returns: the parsed configuration.
    /// - Throws: ``ResolvConfError`` when a `nameserver` line has no address.
    public static func parse(_ text: String, path: String = "resolv.conf") throws(ResolvConfError) -> ResolvConf {
        var result = ResolvConf()
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
            if trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let keyword = fields.first else { continue }
            switch keyword {
            case "nameserver":
                guard fields.count >= 2 else {
                    throw ResolvConfError(path: path, message: "line \(lineNumber): nameserver list is empty")
                }
                result.nameservers.append(fields[1])
            case "search":
                result.searches = fields.dropFirst().map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
            case "options":
                result.options = Array(fields.dropFirst())
            default:
                continue
            }
        }
        return result
    }

    /// Reads and parses a resolv.conf file (the thin I/O step before the pure DNS decision).
    ///
    /// - Parameter path: the file to read, usually `/etc/resolv.conf`.
    /// - Returns: the parsed configuration.
    /// - Throws: ``ResolvConfError`` when the file cannot be read or parsed.
    public static func load(path: String) throws(ResolvConfError) -> ResolvConf {
        let text: String
        do {
            text = try HostFiles.readText(path: path, limit: 10 << 20)
        } catch {
            throw ResolvConfError(path: path, message: "\(error)")
        }
        return try Self.parse(text, path: path)
    }
}

/// A resolv.conf file could not be read or parsed.
public struct ResolvConfError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file at fault.
    public var path: String
    /// What is wrong.
    public var message: String

    /// - Parameters:
    ///   - path: the file at fault.
    ///   - message: what is wrong.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `<path>: <message>`.
    public var description: String { "\(self.path): \(self.message)" }
}
