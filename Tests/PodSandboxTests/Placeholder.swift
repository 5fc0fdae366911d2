import Testing

@Test func placeholderPodSandboxTests() {}
