import Foundation
import Glibc
import PodSandbox
import Testing

@Suite("Volumes: AtomicWriter")
struct VolumesAtomicWriterTests {
    let root: String
    let writer: AtomicWriter

    init() throws {
        self.root = try ConfigFixtures.temporaryDirectory()
        self.writer = AtomicWriter(targetDirectory: self.root, context: "volume \"test\"")
    }

    func entries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: self.root)) ?? []).sorted()
    }

    func link(_ name: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: self.root + "/" + name)
    }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: self.root + "/" + path).map { String(decoding: $0, as: UTF8.self) }
    }

    func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
    }

    /// The timestamped directory `..data` points at.
    func dataDirectory() throws -> String {
        try #require(self.link("..data"))
    }

    @Test func firstWriteHasUpstreamLayout() throws {
        defer { try? FileManager.default.removeItem(atPath: self.root) }
        let changed = try self.writer.write([
            "a": FileProjection("1", mode: 0o644),
            "dir/b": FileProjection("2", mode: 0o600),
            "./dir/c/d": FileProjection("3", mode: 0o644),
        ])
        #expect(changed)
        let data = try self.dataDirectory()
        // ..YYYY_MM_DD_HH_MM_SS.<random>
        #expect(data.hasPrefix("..") && data.count > 22)
        #expect(data.range(of: #"^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\w+$"#, options: .regularExpression) != nil)
        #expect(self.entries() == [data, "..data", "a", "dir"].sorted())
        #expect(self.link("a") == "..data/a")
        #expect(self.link("dir") == "..data/dir")
        #expect(self.read("a") == "1")
        #expect(self.read("dir/b") == "2")
        #expect(self.read("dir/c/d") == "3")
        #expect(self.mode(self.root + "/" + data) == 0o755)
        #expect(self.mode(self.root + "/" + data + "/dir/b") == 0o600)
        #expect(self.mode(self.root + "/" + data + "/a") == 0o644)
    }

    @Test func unchangedPayloadWritesNothing() throws {
        defer { try? FileManager.default.removeItem(atPath: self.root) }
        let payload = ["a": FileProjection("1", mode: 0o644)]
        try self.writer.write(payload)
        let before = try self.dataDirectory()
        #expect(try self.writer.write(payload) == false)
        #expect(try self.dataDirectory() == before)
    }

    @Test func updateSwapsTheDataDirectoryAndRemovesTheOldOne() throws {
        defer { try? FileManager.default.removeItem(atPath: self.root) }
        try self.writer.write(["a": FileProjection("1", mode: 0o644), "b": FileProjection("x", mode: 0o644)])
        let old = try self.dataDirectory()
        #expect(try self.writer.write(["a": FileProjection("2", mode: 0o644), "b": FileProjection("x", mode: 0o644)]))
        let new = try self.dataDirectory()
        #expect(new != old)
        #expect(self.read("a") == "2")
        #expect(self.entries() == [new, "..data", "a", "b"].sorted())
        #expect(!FileManager.default.fileExists(atPath: self.root + "/..data_tmp"))
    }

    @Test func removedKeyLosesItsSymlink() throws {
        defer { try? FileManager.default.removeItem(atPath: self.root) }
        try self.writer.write(["a": FileProjection("1", mode: 0o644), "sub/b": FileProjection("2", mode: 0o644)])
        #expect(try self.writer.write(["a": FileProjection("1", mode: 0o644)]))
        let data = try self.dataDirectory()
        #expect(self.entries() == [data, "..data", "a"].sorted())
        #expect(try self.writer.write([:]))
        #expect(self.entries() == [try self.dataDirectory(), "..data"].sorted())
    }

    @Test func modesIgnoreTheUmask() throws {
        defer { try? FileManager.default.removeItem(atPath: self.root) }
        let old = umask(0o077)
        defer { umask(old) }
        try self.writer.write(["a": FileProjection("1", mode: 0o444), "b": FileProjection("2", mode: 0o755)])
        let data = try self.dataDirectory()
        #expect(self.mode(self.root + "/" + data + "/a") == 0o444)
        #expect(self.mode(self.root + "/" + data + "/b") == 0o755)
        #expect(self.mode(self.root + "/" + data) == 0o755)
    }

    @Test(arguments: [
        ("", "must not be empty"),
        ("/etc/passwd", "must be relative path"),
        ("a/../b", "must not contain '..'"),
        ("..hidden", "must not start with '..'"),
        (String(repeating: "x", count: 256), "filenames must be less than or equal to 255 characters"),
    ])
    func invalidPathsAreRefused(path: String, message: String) throws {
        defer { try? FileManager.default.removeItem(atPath: self.root) }
        #expect { try self.writer.write([path: FileProjection("1", mode: 0o644)]) } throws: { error in
            "\(error)".contains("volume \"test\"") && "\(error)".contains(message)
        }
        #expect(self.entries().isEmpty)
    }
}
