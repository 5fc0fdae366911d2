import Testing

@Test func agentHTTPPlaceholder() {
    #expect(Bool(true))
}
