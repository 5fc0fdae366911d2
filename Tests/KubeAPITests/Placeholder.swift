import Testing

@Test func placeholderKubeAPITests() {}
