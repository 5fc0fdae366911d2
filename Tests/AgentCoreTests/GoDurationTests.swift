import AgentCore
import Testing

@Suite("Go-style durations")
struct GoDurationTests {
    @Test(arguments: [
        ("0", Duration.zero),
        ("300ms", .milliseconds(300)),
        ("10s", .seconds(10)),
        ("2m", .seconds(120)),
        ("1h30m", .seconds(5400)),
        ("1.5h", .seconds(5400)),
        ("2m0s", .seconds(120)),
        ("100us", .microseconds(100)),
        ("-5s", .seconds(-5)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(GoDuration.parse(text) == expected)
    }

    @Test(arguments: ["", "10", "s", "1x", "1.2.3s", "--1s"])
    func rejects(text: String) {
        #expect(GoDuration.parse(text) == nil)
    }
}
