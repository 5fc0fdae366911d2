import CRIClient
import Foundation
import Glibc
import KubeAPI
import PodSandbox
import Testing

@Suite("HostVolumeSetup")
struct ConfigHostVolumeSetupTests {
    let setup = HostVolumeSetup()

    func kind(_ path: String) -> FileAttributeType? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
    }

    @Test func emptyDirIsCreatedAndTornDown() throws {
        let root = try ConfigFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let podDirectory = root + "/pods/u-1"
        let path = VolumePlan.emptyDirPath(podDirectory: podDirectory, name: "cache")
        let plan = VolumePlan(podUID: "u-1", podDirectory: podDirectory, volumes: [
            .init(name: "cache", hostPath: path, kind: .emptyDir),
        ])
        try setup.setUp(plan)
        #expect(kind(path) == .typeDirectory)
        let mode = try #require((try FileManager.default.attributesOfItem(atPath: path))[.posixPermissions] as? Int)
        #expect(mode == 0o777)
        _ = FileManager.default.createFile(atPath: path + "/file", contents: Data("x".utf8))
        try setup.setUp(plan)  // idempotent
        try setup.tearDown(plan)
        #expect(!FileManager.default.fileExists(atPath: podDirectory))
        try setup.tearDown(plan)  // nothing left: fine
    }

    @Test func hostPathTypeChecks() throws {
        let root = try ConfigFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = FileManager.default.createFile(atPath: root + "/file", contents: Data())
        func volume(_ path: String, _ check: VolumePlan.HostPathCheck) -> VolumePlan.Volume {
            .init(name: "v", hostPath: path, kind: .hostPath(check))
        }
        try setup.setUp(volume(root + "/new/dir", .directoryOrCreate))
        #expect(kind(root + "/new/dir") == .typeDirectory)
        try setup.setUp(volume(root + "/created", .fileOrCreate))
        #expect(kind(root + "/created") == .typeRegular)
        try setup.setUp(volume(root, .directory))
        try setup.setUp(volume(root + "/file", .file))
        try setup.setUp(volume("/dev/null", .charDevice))
        try setup.setUp(volume(root + "/missing", .none))

        let failures: [(VolumePlan.Volume, String)] = [
            (volume(root + "/file", .directoryOrCreate), "is not a directory"),
            (volume(root + "/missing", .directory), "does not exist (type Directory)"),
            (volume(root, .file), "is not a file"),
            (volume(root + "/file", .socket), "is not a socket file"),
            (volume(root + "/file", .charDevice), "is not a character device"),
            (volume("/dev/null", .blockDevice), "is not a block device"),
            (volume(root + "/no/parent", .fileOrCreate), "parent must exist"),
        ]
        for (volume, message) in failures {
            #expect { try setup.setUp(volume) } throws: { error in
                "\(error)".hasPrefix("volume \"v\"") && "\(error)".contains(message)
            }
        }
    }

    @Test func subPathIsCreatedAndSymlinkEscapesAreRejected() throws {
        let root = try ConfigFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let volumePath = root + "/vol"
        try FileManager.default.createDirectory(atPath: volumePath + "/inside", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: volumePath + "/out", withDestinationPath: root)
        try FileManager.default.createSymbolicLink(atPath: volumePath + "/in", withDestinationPath: "inside")
        let volume = VolumePlan.Volume(name: "data", hostPath: volumePath, kind: .emptyDir)
        func mount(_ subPath: String) -> VolumePlan.PlannedMount {
            .init(volume: volume, subPath: subPath,
                  mount: Mount(containerPath: "/x", hostPath: volumePath + "/" + subPath))
        }
        try setup.prepareSubPath(mount("a/b"))
        #expect(kind(volumePath + "/a/b") == .typeDirectory)
        try setup.prepareSubPath(mount("in/c"))
        #expect(kind(volumePath + "/inside/c") == .typeDirectory)
        #expect { try setup.prepareSubPath(mount("out")) } throws: { error in
            "\(error)".contains("outside the volume") && "\(error)".contains("subPath \"out\"")
        }
        #expect { try setup.prepareSubPath(mount("out/escaped")) } throws: { "\($0)".contains("outside the volume") }
        #expect(!FileManager.default.fileExists(atPath: root + "/escaped"))
    }

    @Test func terminationMessageFile() throws {
        let root = try ConfigFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/containers/app/0"
        try setup.createTerminationMessageFile(path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect(attributes[.posixPermissions] as? Int == 0o666)
    }

    /// `/proc/self/mounts`, read until EOF (procfs files report size 0).
    static func procMounts() -> String {
        let fd = open("/proc/self/mounts", O_RDONLY)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static var rootTests: Bool {
        ProcessInfo.processInfo.environment["NODEAGENT_ROOT_TESTS"] == "1" && getuid() == 0
    }

    @Test(.enabled(if: rootTests, "needs root and NODEAGENT_ROOT_TESTS=1"))
    func memoryVolumeIsATmpfsWithItsSize() throws {
        let root = try ConfigFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let podDirectory = root + "/u-2"
        let path = VolumePlan.emptyDirPath(podDirectory: podDirectory, name: "shm")
        let plan = VolumePlan(podUID: "u-2", podDirectory: podDirectory, volumes: [
            .init(name: "shm", hostPath: path, kind: .memory(sizeBytes: 8 << 20)),
        ])
        try setup.setUp(plan)
        try setup.setUp(plan)  // already mounted: not mounted twice
        var stats = statvfs()
        #expect(statvfs(path, &stats) == 0)
        #expect(Int64(stats.f_blocks) * Int64(stats.f_frsize) == 8 << 20)
        let mounts = Self.procMounts().split(separator: "\n").filter {
            $0.split(separator: " ").dropFirst().first.map(String.init) == path
        }
        #expect(mounts.count == 1)
        #expect(mounts.first?.split(separator: " ").dropFirst(2).first == "tmpfs")
        try setup.tearDown(plan)
        #expect(!FileManager.default.fileExists(atPath: podDirectory))
        #expect(!Self.procMounts().contains(path))

        // An orphan: the spec is gone, the tmpfs is found under the pod directory.
        try setup.setUp(plan)
        try setup.tearDown(VolumePlan(podUID: "u-2", podDirectory: podDirectory, volumes: []))
        #expect(!FileManager.default.fileExists(atPath: podDirectory))
    }
}
