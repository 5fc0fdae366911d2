import CSeccomp
import Foundation

/// Checks a `Localhost` seccomp profile before the runtime sees it, so that a bad profile is reported as a
/// clear `CreateContainerConfigError` naming the file and the syscall instead of an opaque runtime error.
public protocol SeccompProfileChecking: Sendable {
    /// Checks the profile at `path`.
    ///
    /// - Parameter path: the absolute path of the JSON profile on the node.
    /// - Throws: ``SeccompProfileError`` naming the path and what is wrong.
    func check(profilePath path: String) throws(SeccompProfileError)
}

/// A seccomp profile is missing, malformed, or names something this node does not know.
public struct SeccompProfileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The profile file.
    public var path: String
    /// What is wrong.
    public var message: String

    /// - Parameters:
    ///   - path: the profile file.
    ///   - message: what is wrong.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `seccomp profile <path>: <message>`.
    public var description: String { "seccomp profile \(self.path): \(self.message)" }
}

/// The OCI / Docker seccomp profile format: a default action, optional architectures and syscall rules.
public struct SeccompProfileDocument: Hashable, Sendable, Decodable {
    /// One rule: the syscalls it names (`names`, or the older single `name`) and its action.
    public struct Rule: Hashable, Sendable, Decodable {
        /// The syscalls the rule names.
        public var names: [String]
        /// The older single-syscall form.
        public var name: String?
        /// The action, e.g. `SCMP_ACT_ALLOW`.
        public var action: String

        enum CodingKeys: String, CodingKey {
            case names, name, action
        }

        /// Decodes a rule; `names` defaults to empty.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.names = try container.decodeIfPresent([String].self, forKey: .names) ?? []
            self.name = try container.decodeIfPresent(String.self, forKey: .name)
            self.action = try container.decode(String.self, forKey: .action)
        }

        /// Every syscall the rule names.
        public var allNames: [String] { self.names + (self.name.map { [$0] } ?? []) }
    }

    /// The action for syscalls no rule names.
    public var defaultAction: String
    /// `SCMP_ARCH_*` names, may be empty.
    public var architectures: [String]
    /// The rules.
    public var syscalls: [Rule]

    enum CodingKeys: String, CodingKey {
        case defaultAction, architectures, syscalls
    }

    /// Decodes a profile; `defaultAction` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.defaultAction = try container.decode(String.self, forKey: .defaultAction)
        self.architectures = try container.decodeIfPresent([String].self, forKey: .architectures) ?? []
        self.syscalls = try container.decodeIfPresent([Rule].self, forKey: .syscalls) ?? []
    }

    /// The actions libseccomp and the OCI runtime spec define.
    public static let knownActions: Set<String> = [
        "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
        "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
    ]

    /// The architectures of the OCI runtime spec.
    public static let knownArchitectures: Set<String> = [
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
        "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
        "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
        "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
    ]

    /// Parses a profile.
    ///
    /// - Parameters:
    ///   - bytes: the JSON text.
    ///   - path: the file, for error messages.
    /// - Returns: the profile.
    /// - Throws: ``SeccompProfileError`` when the JSON is invalid or a required field is missing.
    public static func parse(_ bytes: [UInt8], path: String) throws(SeccompProfileError) -> SeccompProfileDocument {
        do {
            return try JSONDecoder().decode(SeccompProfileDocument.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw SeccompProfileError(path: path, message: "invalid JSON: \(Self.describe(error))")
        } catch {
            throw SeccompProfileError(path: path, message: "invalid JSON: \(error)")
        }
    }

    /// Checks actions, architectures and that every syscall name resolves.
    ///
    /// - Parameters:
    ///   - path: the file, for error messages.
    ///   - resolves: whether a syscall name is known on this node.
    /// - Throws: ``SeccompProfileError`` naming the first unknown action, architecture or syscall.
    public func validate(path: String, resolves: (String) -> Bool) throws(SeccompProfileError) {
        guard Self.knownActions.contains(self.defaultAction) else {
            throw SeccompProfileError(path: path, message: "unknown defaultAction \"\(self.defaultAction)\"")
        }
        for architecture in self.architectures where !Self.knownArchitectures.contains(architecture) {
            throw SeccompProfileError(path: path, message: "unknown architecture \"\(architecture)\"")
        }
        for (index, rule) in self.syscalls.enumerated() {
            guard Self.knownActions.contains(rule.action) else {
                throw SeccompProfileError(
                    path: path, message: "syscalls[\(index)]: unknown action \"\(rule.action)\"")
            }
            for name in rule.allNames where !resolves(name) {
                throw SeccompProfileError(
                    path: path,
                    message: "syscalls[\(index)]: unknown syscall \"\(name)\" on this architecture")
            }
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func pathText(_ path: [any CodingKey]) -> String {
            let text = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \(pathText(context.codingPath + [key]))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "field \(pathText(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? context.debugDescription : "field \(pathText(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// The real checker: reads the profile from disk and resolves each syscall name with libseccomp on the
/// native architecture (`seccomp_syscall_resolve_name` must not return `__NR_SCMP_ERROR`).
public struct SeccompProfileChecker: SeccompProfileChecking {
    /// The checker for this node.
    public init() {}

    /// Reads, parses and validates the profile at `path`.
    public func check(profilePath path: String) throws(SeccompProfileError) {
        let bytes: [UInt8]
        do {
            bytes = try HostFiles.readBytes(path: path, limit: 16 << 20)
        } catch {
            throw SeccompProfileError(path: path, message: "cannot read the profile: \(error)")
        }
        let profile = try SeccompProfileDocument.parse(bytes, path: path)
        try profile.validate(path: path, resolves: Self.resolves)
    }

    /// Whether libseccomp knows the syscall on the native architecture (pseudo-numbers of syscalls that
    /// exist only on other architectures count as known, as they do for the runtime).
    public static func resolves(_ name: String) -> Bool {
        seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR
    }
}
