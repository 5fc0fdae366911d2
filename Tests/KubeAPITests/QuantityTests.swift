import Foundation
import KubeAPI
import Testing

@Suite struct QuantityTests {
    @Test(arguments: [
        ("1", Int64(1000), Int64(1)),
        ("100m", 100, 1),
        ("0.5", 500, 1),
        ("1.5", 1500, 2),
        ("2k", 2_000_000, 2000),
        ("1Ki", 1_024_000, 1024),
        ("128Mi", 134_217_728_000, 134_217_728),
        ("1.5Gi", 1_610_612_736_000, 1_610_612_736),
        ("1G", 1_000_000_000_000, 1_000_000_000),
        ("1e3", 1_000_000, 1000),
        ("1E-3", 1, 1),
        ("+12", 12000, 12),
        ("-5m", -5, -1),
        ("0", 0, 0),
        (".5", 500, 1),
        ("5.", 5000, 5),
        ("0.0001", 1, 1),
        ("1Ei", Int64.max, 1_152_921_504_606_846_976),
        ("9E", Int64.max, 9_000_000_000_000_000_000),
    ])
    func parses(text: String, milli: Int64, value: Int64) throws {
        let quantity = try Quantity(text)
        #expect(quantity.milliValue == milli)
        #expect(quantity.value == value)
        #expect(quantity.string == text)
    }

    @Test(arguments: ["", "abc", "1.2.3", "1Kb", "1e", "1ee3", "--1", "m", "1 Gi", "1i"])
    func rejects(text: String) {
        #expect(throws: QuantityError.self) { try Quantity(text) }
    }

    @Test func errorNamesTheText() {
        #expect(QuantityError(text: "12x").description.hasPrefix("invalid quantity \"12x\""))
    }

    @Test func decodesNumbersAndStrings() throws {
        let json = #"{"a": 2, "b": "250m", "c": 0.5}"#
        let decoded = try KubeJSON.decoder().decode([String: Quantity].self, from: Data(json.utf8))
        #expect(decoded["a"]?.milliValue == 2000)
        #expect(decoded["b"]?.milliValue == 250)
        #expect(decoded["c"]?.milliValue == 500)
    }
}
