public import KubeAPI

/// What to do about a container's image before creating it (upstream's `EnsureImageExists` decisions):
/// a pure function of the pull policy, whether the runtime has the image and the pull back-off.
public enum ImagePullDecision: Hashable, Sendable {
    /// The image is present and is not pulled again.
    case usePresent
    /// Pull the image.
    case pull
    /// Policy Never and the image is missing: waiting reason `ErrImageNeverPull`.
    case neverPullMissing
    /// The last pull failed and its back-off is not over: waiting reason `ImagePullBackOff`.
    case backOff

    /// Waiting reasons of image trouble (upstream `pkg/kubelet/images/types.go`).
    public enum Reason {
        /// The pull failed.
        public static let errImagePull = "ErrImagePull"
        /// A pull failed before and its back-off is not over.
        public static let imagePullBackOff = "ImagePullBackOff"
        /// The image is missing and the policy is Never.
        public static let errImageNeverPull = "ErrImageNeverPull"
        /// The image reference cannot be parsed.
        public static let invalidImageName = "InvalidImageName"
        /// The runtime could not say whether it has the image.
        public static let errImageInspect = "ImageInspectError"
    }

    /// Decides.
    ///
    /// - Parameters:
    ///   - policy: the effective pull policy (see ``effectivePolicy(_:)``).
    ///   - imagePresent: whether the runtime holds the image.
    ///   - inBackOff: whether the image's pull back-off is running.
    /// - Returns: the decision.
    public static func decide(policy: PullPolicy, imagePresent: Bool, inBackOff: Bool) -> ImagePullDecision {
        switch policy {
        case .never:
            return imagePresent ? .usePresent : .neverPullMissing
        case .always:
            return inBackOff ? .backOff : .pull
        default:
            if imagePresent { return .usePresent }
            return inBackOff ? .backOff : .pull
        }
    }

    /// The container's pull policy, defaulted as the API server does: `Always` for an image without a tag or
    /// tagged `latest` (and without a digest), `IfNotPresent` otherwise.
    ///
    /// - Parameter container: the container.
    /// - Returns: the policy.
    public static func effectivePolicy(_ container: Container) -> PullPolicy {
        if let policy = container.imagePullPolicy { return policy }
        let image = container.image ?? ""
        if image.contains("@") { return .ifNotPresent }
        let lastComponent = image.split(separator: "/").last.map(String.init) ?? image
        guard let colon = lastComponent.lastIndex(of: ":") else { return .always }
        let tag = lastComponent[lastComponent.index(after: colon)...]
        return tag == "latest" ? .always : .ifNotPresent
    }
}
