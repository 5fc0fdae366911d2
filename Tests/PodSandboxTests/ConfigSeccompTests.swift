import Foundation
import PodSandbox
import Testing

@Suite("SeccompProfileChecker")
struct ConfigSeccompTests {
    func write(_ text: String) throws -> (String, String) {
        let root = try ConfigFixtures.temporaryDirectory()
        let path = root + "/profile.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (root, path)
    }

    @Test func goodProfilePasses() throws {
        let (root, path) = try write("""
            {"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_AARCH64"],
             "syscalls":[{"names":["read","write","exit_group","futex","socketcall"],"action":"SCMP_ACT_ALLOW"},
                         {"name":"openat","action":"SCMP_ACT_LOG"}]}
            """)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try SeccompProfileChecker().check(profilePath: path)
    }

    @Test func unknownSyscallIsNamed() throws {
        let (root, path) = try write("""
            {"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","no_such_call"],"action":"SCMP_ACT_ALLOW"}]}
            """)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect { try SeccompProfileChecker().check(profilePath: path) } throws: { error in
            "\(error)" == "seccomp profile \(path): syscalls[0]: unknown syscall \"no_such_call\" on this architecture"
        }
    }

    @Test(arguments: [
        ("{not json", "invalid JSON"),
        (#"{"syscalls":[]}"#, "invalid JSON: missing field defaultAction"),
        (#"{"defaultAction":"SCMP_ACT_NOPE"}"#, "unknown defaultAction \"SCMP_ACT_NOPE\""),
        (#"{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_Z80"]}"#, "unknown architecture"),
        (#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"ALLOW"}]}"#,
         "syscalls[0]: unknown action \"ALLOW\""),
        (#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":"read","action":"SCMP_ACT_ALLOW"}]}"#,
         "invalid JSON: field syscalls[0].names"),
    ])
    func badProfiles(text: String, message: String) throws {
        let (root, path) = try write(text)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect { try SeccompProfileChecker().check(profilePath: path) } throws: { error in
            "\(error)".hasPrefix("seccomp profile \(path): ") && "\(error)".contains(message)
        }
    }

    @Test func missingFileIsAClearError() {
        #expect { try SeccompProfileChecker().check(profilePath: "/nonexistent/p.json") } throws: { error in
            "\(error)" == "seccomp profile /nonexistent/p.json: cannot read the profile: "
                + "open /nonexistent/p.json: No such file or directory"
        }
    }

    @Test func resolvesUsesLibseccomp() {
        #expect(SeccompProfileChecker.resolves("read"))
        #expect(!SeccompProfileChecker.resolves("definitely_not_a_syscall"))
    }
}
