import PodSandbox
import Testing

@Suite("$(VAR) expansion")
struct ConfigExpansionTests {
    static let variables = ["VAR_A": "A", "VAR_B": "B", "EMPTY": "", "UNICODE": "héllo"]

    // Cases from upstream's expansion tests (k/k third_party/forked/golang/expansion/expand_test.go).
    @Test(arguments: [
        ("$(VAR_A)", "A"),
        ("___$(VAR_A)___", "___A___"),
        ("$(VAR_A)-$(VAR_B)", "A-B"),
        ("$(VAR_A)$(VAR_B)", "AB"),
        ("$(EMPTY)", ""),
        ("$(UNKNOWN)", "$(UNKNOWN)"),
        ("$$(VAR_A)", "$(VAR_A)"),
        ("$$$(VAR_A)", "$A"),
        ("$$$$(VAR_A)", "$$(VAR_A)"),
        ("$(VAR_A", "$(VAR_A"),
        ("$VAR_A", "$VAR_A"),
        ("$", "$"),
        ("$$", "$"),
        ("foo$", "foo$"),
        ("$()", "$()"),
        ("$(UNICODE)!", "héllo!"),
        ("é$(VAR_A)é", "éAé"),
        ("$(VAR_A)$", "A$"),
    ])
    func expand(input: String, expected: String) {
        #expect(EnvExpansion.expand(input, variables: Self.variables) == expected)
    }
}
