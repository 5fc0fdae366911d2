/// A failed call to the container runtime.
///
/// Classify by ``code``; ``message`` is the runtime's own text (plus, for a missing socket, which path was
/// tried). Equality compares code, method and message, not the underlying cause.
public struct CRIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Hashable, Sendable {
            case unavailable, notFound, deadlineExceeded, invalidArgument, alreadyExists, permissionDenied
            case unimplemented, failedPrecondition, resourceExhausted, cancelled, `internal`, unknown
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The runtime cannot be reached (socket missing, runtime restarting). Retry later.
        public static let unavailable = Code(.unavailable)
        /// The sandbox, container or image does not exist.
        public static let notFound = Code(.notFound)
        /// The call's deadline passed before the runtime answered.
        public static let deadlineExceeded = Code(.deadlineExceeded)
        public static let invalidArgument = Code(.invalidArgument)
        public static let alreadyExists = Code(.alreadyExists)
        public static let permissionDenied = Code(.permissionDenied)
        /// The runtime does not implement this call.
        public static let unimplemented = Code(.unimplemented)
        public static let failedPrecondition = Code(.failedPrecondition)
        public static let resourceExhausted = Code(.resourceExhausted)
        /// The caller's task was cancelled.
        public static let cancelled = Code(.cancelled)
        /// The runtime failed internally (containerd reports most failures this way).
        public static let `internal` = Code(.internal)
        public static let unknown = Code(.unknown)

        public var description: String { self.wrapped.rawValue }
    }

    public var code: Code
    /// The CRI method that failed, e.g. `RunPodSandbox`.
    public var method: String
    /// The runtime's message.
    public var message: String
    /// The underlying error, if any (not part of equality).
    public var cause: (any Error & Sendable)?

    public init(code: Code, method: String, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.method = method
        self.message = message
        self.cause = cause
    }

    public var description: String {
        "CRI \(self.method) failed (\(self.code)): \(self.message)"
    }

    public static func == (lhs: CRIError, rhs: CRIError) -> Bool {
        lhs.code == rhs.code && lhs.method == rhs.method && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.code)
        hasher.combine(self.method)
        hasher.combine(self.message)
    }
}
