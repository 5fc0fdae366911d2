import KubeletServer
import Testing

@Suite("CRI log decoding and rendering")
struct CRILogTests {
    func file(_ lines: [String]) -> ArraySlice<UInt8> { Array(lines.map { $0 + "\n" }.joined().utf8)[...] }

    @Test func timestampsParseAndFormatAsUpstreamsFixedNano() throws {
        let stamp = try #require(LogTimestamp(parsing: "2016-10-06T00:17:09.669794202Z"))
        #expect(stamp.formatted == "2016-10-06T00:17:09.669794202Z")
        #expect(stamp.nanosecondsSinceEpoch == 1_475_713_029_669_794_202)
        // Shorter fractions are padded to nine digits; no fraction at all is allowed.
        #expect(LogTimestamp(parsing: "2016-10-06T00:17:09.5Z")?.formatted == "2016-10-06T00:17:09.500000000Z")
        #expect(LogTimestamp(parsing: "2016-10-06T00:17:09Z")?.formatted == "2016-10-06T00:17:09.000000000Z")
        // An offset is kept for output and counted for comparisons.
        let east = try #require(LogTimestamp(parsing: "2016-10-06T02:17:09.669794202+02:00"))
        #expect(east.formatted == "2016-10-06T02:17:09.669794202+02:00")
        #expect(east.nanosecondsSinceEpoch == stamp.nanosecondsSinceEpoch)
        for bad in [
            "", "2016-10-06", "2016-13-06T00:17:09Z", "2016-10-06T00:17:09", "2016-10-06T00:17:09.Z",
            "x016-10-06T00:17:09Z",
        ] {
            #expect(LogTimestamp(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func recordsParseStreamTagAndContent() throws {
        let full = try CRILogRecord(parsing: Array("2016-10-06T00:17:09.669794202Z stdout F hello world\n".utf8)[...])
        #expect(full.stream == .stdout)
        #expect(!full.partial)
        #expect(full.content == Array("hello world\n".utf8))
        let partial = try CRILogRecord(parsing: Array("2016-10-06T00:17:09.669794202Z stderr P:x part\n".utf8)[...])
        #expect(partial.stream == .stderr)
        #expect(partial.partial)
        #expect(partial.content == Array("part".utf8))
        // An empty full line is just its newline.
        #expect(try CRILogRecord(parsing: Array("2016-10-06T00:17:09Z stdout F \n".utf8)[...]).content == [0x0A])
        #expect(throws: CRILogParseError("unexpected stream type \"stdin\"")) {
            try CRILogRecord(parsing: Array("2016-10-06T00:17:09Z stdin F x\n".utf8)[...])
        }
        #expect(throws: CRILogParseError("log tag is not found")) {
            try CRILogRecord(parsing: Array("2016-10-06T00:17:09Z stdout".utf8 + [0x20])[...])
        }
        #expect(throws: (any Error).self) { try CRILogRecord(parsing: Array("garbage\n".utf8)[...]) }
    }

    @Test func partialLinesJoinAndTimestampsPrefixOnlyLineStarts() {
        let data = self.file([
            "2016-10-06T00:17:09.000000001Z stdout P first ",
            "2016-10-06T00:17:09.000000002Z stdout P half ",
            "2016-10-06T00:17:09.000000003Z stdout F end",
            "not a cri line",
            "2016-10-06T00:17:10.5Z stderr F oops",
        ])
        var plain = CRILogRenderer()
        #expect(
            String(decoding: plain.render(file: data, includeIncomplete: true).output, as: UTF8.self)
                == "first half end\noops\n")
        var stamped = CRILogRenderer(timestamps: true)
        #expect(
            String(decoding: stamped.render(file: data, includeIncomplete: true).output, as: UTF8.self)
                == "2016-10-06T00:17:09.000000001Z first half end\n2016-10-06T00:17:10.500000000Z oops\n")
    }

    @Test func sinceSkipsOlderRecordsAndLimitBytesCutsAndStops() throws {
        let data = self.file([
            "2024-01-01T00:00:01Z stdout F one",
            "2024-01-01T00:00:02Z stdout F two",
            "2024-01-01T00:00:03Z stdout F three",
        ])
        var since = CRILogRenderer(since: LogTimestamp(parsing: "2024-01-01T00:00:02Z"))
        #expect(
            String(decoding: since.render(file: data, includeIncomplete: true).output, as: UTF8.self) == "two\nthree\n")
        var limited = CRILogRenderer(limitBytes: 6)
        #expect(
            String(decoding: limited.render(file: data, includeIncomplete: true).output, as: UTF8.self) == "one\ntw")
        #expect(limited.isExhausted)
    }

    @Test func tailFindsTheStartOfTheLastLines() {
        let data = self.file(["a", "b", "c"])
        #expect(CRILogRenderer.tailStart(of: data, lines: 1) == 4)
        #expect(CRILogRenderer.tailStart(of: data, lines: 2) == 2)
        #expect(CRILogRenderer.tailStart(of: data, lines: 3) == 0)
        #expect(CRILogRenderer.tailStart(of: data, lines: 10) == 0)
        #expect(CRILogRenderer.tailStart(of: data, lines: 0) == data.endIndex)
        // Without a trailing newline the last (incomplete) line counts as one.
        let open = Array("a\nb".utf8)[...]
        #expect(CRILogRenderer.tailStart(of: open, lines: 1) == 2)
    }

    @Test func anIncompleteLastLineIsShownOnlyWhenNotFollowing() {
        let data = Array("2024-01-01T00:00:01Z stdout F done\n2024-01-01T00:00:02Z stdout F writ".utf8)[...]
        var following = CRILogRenderer()
        let partial = following.render(file: data, includeIncomplete: false)
        #expect(String(decoding: partial.output, as: UTF8.self) == "done\n")
        #expect(partial.consumed == 35)
        var reading = CRILogRenderer()
        #expect(
            String(decoding: reading.render(file: data, includeIncomplete: true).output, as: UTF8.self) == "done\nwrit")
    }
}
