import FakeKubeAPIServer
import Testing

@Suite struct FakeAPIJSONTests {
    @Test func roundTrip() throws {
        let text = #"{"a":[1,2.5,"x",true,null],"b":{"c":"\u00e9\n"}}"#
        let json = try JSON(parsing: text)
        #expect(json["a"][0] == .int(1))
        #expect(json["a"][1] == .double(2.5))
        #expect(json["b"]["c"].string == "é\n")
        #expect(try JSON(parsing: json.serialized()) == json)
    }
}
