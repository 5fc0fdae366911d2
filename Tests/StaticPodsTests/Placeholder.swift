import Testing

@Test func placeholderStaticPodsTests() {}
