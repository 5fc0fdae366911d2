import AgentCore
import Testing

@Suite("Metrics registry and Prometheus text")
struct MetricsRegistryTests {
    @Test func rendersGoldenText() {
        let registry = MetricsRegistry()
        let requests = registry.counter(
            MetricDescriptor(name: "demo_requests_total", help: "Requests by code.", labelNames: ["path", "code"])
        )
        let temperature = registry.gauge(MetricDescriptor(name: "demo_temperature", help: "Now.", stability: .alpha))
        let latency = registry.histogram(
            MetricDescriptor(name: "demo_latency_seconds", help: "Latency.", labelNames: ["op"]),
            buckets: [1, 0.1, 0.5]
        )
        requests.increment(labels: ["/b", "200"])
        requests.increment(by: 2, labels: ["/a", "500"])
        requests.increment(labels: ["/a", "200"])
        temperature.set(-1.5)
        latency.observe(0.05, labels: ["get"])
        latency.observe(0.5, labels: ["get"])
        latency.observe(7, labels: ["get"])

        let expected = """
            # HELP demo_latency_seconds Latency.
            # TYPE demo_latency_seconds histogram
            demo_latency_seconds_bucket{op="get",le="0.1"} 1
            demo_latency_seconds_bucket{op="get",le="0.5"} 2
            demo_latency_seconds_bucket{op="get",le="1"} 2
            demo_latency_seconds_bucket{op="get",le="+Inf"} 3
            demo_latency_seconds_sum{op="get"} 7.55
            demo_latency_seconds_count{op="get"} 3
            # HELP demo_requests_total Requests by code.
            # TYPE demo_requests_total counter
            demo_requests_total{code="200",path="/a"} 1
            demo_requests_total{code="200",path="/b"} 1
            demo_requests_total{code="500",path="/a"} 2
            # HELP demo_temperature [ALPHA] Now.
            # TYPE demo_temperature gauge
            demo_temperature -1.5

            """
        #expect(registry.render() == expected)
    }

    @Test func unusedLabelledFamiliesAreLeftOutButPlainOnesShowZero() {
        let registry = MetricsRegistry()
        _ = registry.counter(MetricDescriptor(name: "a_total", help: "A.", labelNames: ["x"]))
        _ = registry.counter(MetricDescriptor(name: "b_total", help: "B."))
        #expect(registry.render() == "# HELP b_total B.\n# TYPE b_total counter\nb_total 0\n")
    }

    @Test func histogramBucketsAreInclusiveAndCumulative() throws {
        let histogram = Histogram(MetricDescriptor(name: "h", help: "h"), buckets: [0.1, 1, 10, .infinity])
        #expect(histogram.upperBounds == [0.1, 1, 10])
        for value in [0.1, 0.2, 1, 10, 10.5, 100] {
            histogram.observe(value)
        }
        histogram.observe(Duration.milliseconds(50))
        let snapshot = try #require(histogram.value())
        #expect(snapshot.bucketCounts == [2, 2, 1, 2])
        #expect(snapshot.cumulativeCounts == [2, 4, 5, 7])
        #expect(snapshot.count == 7)
        #expect(abs(snapshot.sum - 121.85) < 1e-9)
    }

    @Test func exponentialAndDefaultBuckets() {
        #expect(Histogram.exponentialBuckets(start: 1, factor: 2, count: 4) == [1, 2, 4, 8])
        let runtime = Histogram.exponentialBuckets(start: 0.005, factor: 2.5, count: 14)
        #expect(runtime.count == 14)
        #expect(PrometheusText.formatValue(runtime[1]) == "0.0125")
        #expect(Histogram.defaultBuckets.first == 0.005 && Histogram.defaultBuckets.last == 10)
    }

    @Test(arguments: [(String, String)]([
        ("plain", "plain"),
        ("back\\slash", "back\\\\slash"),
        ("quote\"d", "quote\\\"d"),
        ("line\nfeed", "line\\nfeed"),
        ("ünï", "ünï"),
    ]))
    func labelValueEscaping(raw: String, escaped: String) {
        #expect(PrometheusText.escapeLabelValue(raw) == escaped)
    }

    @Test func helpEscapingKeepsQuotes() {
        #expect(PrometheusText.escapeHelp("a \"b\" \\ c\nd") == "a \"b\" \\\\ c\\nd")
        let registry = MetricsRegistry()
        let gauge = registry.gauge(MetricDescriptor(name: "g", help: "x", labelNames: ["v"]))
        gauge.set(1, labels: ["a\"b\\c\nd"])
        #expect(registry.render().contains("g{v=\"a\\\"b\\\\c\\nd\"} 1\n"))
    }

    static let numberCases: [(Double, String)] = [
        (0.0, "0"), (1.0, "1"), (-1.0, "-1"), (0.005, "0.005"), (3600.0, "3600"), (2.5, "2.5"),
        (1e6, "1e+06"), (123456.0, "123456"), (1234567.0, "1.234567e+06"), (0.0001, "0.0001"),
        (0.00001, "1e-05"), (0.000015, "1.5e-05"), (745.0580596923828, "745.0580596923828"),
        (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (Double.nan, "NaN"), (1e21, "1e+21"),
        (1_700_000_000.0, "1.7e+09"), (-0.25, "-0.25"),
    ]

    @Test(arguments: numberCases)
    func formatsNumbersLikeGo(value: Double, text: String) {
        #expect(PrometheusText.formatValue(value) == text)
    }

    @Test func rejectsDuplicateAndInvalidNames() {
        let registry = MetricsRegistry()
        _ = registry.gauge(MetricDescriptor(name: "x", help: "x"))
        #expect(throws: MetricsRegistryError.duplicateName("x")) {
            try registry.register(Gauge(MetricDescriptor(name: "x", help: "again")))
        }
        #expect(throws: MetricsRegistryError.invalidName("1x")) {
            try registry.register(Gauge(MetricDescriptor(name: "1x", help: "bad")))
        }
        #expect(throws: MetricsRegistryError.invalidName("y{__bad}")) {
            try registry.register(Gauge(MetricDescriptor(name: "y", help: "bad", labelNames: ["__bad"])))
        }
    }

    @Test func gaugeRemoveAndIncrement() {
        let gauge = Gauge(MetricDescriptor(name: "g", help: "g", labelNames: ["state"]))
        gauge.increment(labels: ["running"])
        gauge.increment(by: 2, labels: ["running"])
        gauge.decrement(labels: ["running"])
        #expect(gauge.value(labels: ["running"]) == 2)
        gauge.remove(labels: ["running"])
        #expect(gauge.value(labels: ["running"]) == nil)
        #expect(gauge.snapshot().series.isEmpty)
    }

    @Test func concurrentUpdatesAreAllCounted() async {
        let counter = Counter(MetricDescriptor(name: "c_total", help: "c"))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<1000 { counter.increment() }
                }
            }
        }
        #expect(counter.value() == 8000)
    }
}
