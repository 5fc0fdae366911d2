import IPVSProxy
import ServiceProxy
import Testing

@Suite("IPVSCompiler")
struct IPVSCompilerTests {
    @Test func placeholder() {
        #expect(IPVSCompilerConfig().masqueradeMark == "0x00004000")
    }
}
