import ServiceLifecycle

/// Runs `body` until graceful shutdown cancels it; the cancellation that ends it is the normal way out, so it is
/// not reported to the service group as a failure (a thrown error there cancels the whole group).
func untilGracefulShutdown(_ body: @escaping @Sendable () async throws -> Void) async throws {
    do {
        try await cancelWhenGracefulShutdown(body)
    } catch is CancellationError {
        return
    }
}
