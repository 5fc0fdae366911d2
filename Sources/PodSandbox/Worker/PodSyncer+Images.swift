import CRIClient
import Foundation
import KubeAPI

/// The image a container will run, once present.
struct EnsuredImage {
    /// What ImageStatus reports about it (its user, for runAsNonRoot); `nil` if it could not be read.
    var info: ImageInfo?
}

extension PodSyncer {
    /// Makes sure the container's image is present according to its pull policy (upstream's
    /// `EnsureImageExists`): a present image is used as is unless the policy is Always; a pull that failed backs
    /// off (`ErrImagePull`, then `ImagePullBackOff`); Never with a missing image is `ErrImageNeverPull`.
    /// Returns `nil` when the container cannot start now; the reason is recorded.
    func ensureImage(
        _ container: Container,
        pod: Pod,
        target: StartTarget,
        journal: inout SyncJournal
    ) async -> EnsuredImage? {
        let name = container.name
        guard let image = container.image, !image.isEmpty else {
            let message = "Failed to apply default image tag \"\": couldn't parse image name \"\": "
                + "invalid reference format"
            journal.event(.warning, "InspectFailed", message, container: name)
            journal.wait(name, reason: ImagePullDecision.Reason.invalidImageName, message: message)
            return nil
        }
        let spec = ImageSpec(image, annotations: pod.metadata.annotations, userSpecifiedImage: image)
        let present: ImageInfo?
        do {
            present = try await self.runtime.imageStatus(spec)
        } catch {
            let message = "Failed to inspect image \"\(image)\": \(errorMessage(error))"
            journal.event(.warning, "InspectFailed", message, container: name)
            journal.wait(name, reason: ImagePullDecision.Reason.errImageInspect, message: message)
            return nil
        }
        let key = CrashLoopBackOff.imagePullKey(podUID: pod.metadata.uid, image: image)
        let now = self.now()
        let decision = ImagePullDecision.decide(
            policy: ImagePullDecision.effectivePolicy(container),
            imagePresent: present != nil,
            inBackOff: self.imageBackOff.isInBackOffSinceUpdate(key: key, now: now)
        )
        switch decision {
        case .usePresent:
            journal.event(.normal, "Pulled", "Container image \"\(image)\" already present on machine", container: name)
            return EnsuredImage(info: present)
        case .neverPullMissing:
            let message = "Container image \"\(image)\" is not present with pull policy of Never"
            journal.event(.warning, "ErrImageNeverPull", message, container: name)
            journal.wait(name, reason: ImagePullDecision.Reason.errImageNeverPull, message: message)
            return nil
        case .backOff:
            let message = "Back-off pulling image \"\(image)\""
            journal.event(.normal, "BackOff", message, container: name)
            journal.wait(name, reason: ImagePullDecision.Reason.imagePullBackOff, message: message)
            if let delay = self.imageBackOff.delay(forKey: key) {
                journal.retryAt.append(now.addingTimeInterval(delay.timeInterval))
            }
            return nil
        case .pull:
            return await self.pull(image, spec: spec, key: key, container: name, target: target, journal: &journal)
        }
    }

    private func pull(
        _ image: String,
        spec: ImageSpec,
        key: String,
        container name: String,
        target: StartTarget,
        journal: inout SyncJournal
    ) async -> EnsuredImage? {
        journal.event(.normal, "Pulling", "Pulling image \"\(image)\"", container: name)
        let clock = ContinuousClock()
        let started = clock.now
        do {
            _ = try await self.runtime.pullImage(spec, auth: nil, sandboxConfig: target.sandboxConfig)
        } catch {
            let message = errorMessage(error)
            journal.event(.warning, "Failed", "Failed to pull image \"\(image)\": \(message)", container: name)
            journal.event(.warning, "Failed", "Error: \(ImagePullDecision.Reason.errImagePull)", container: name)
            let now = self.now()
            self.imageBackOff.next(key: key, eventTime: now, now: now)
            if let delay = self.imageBackOff.delay(forKey: key) {
                journal.retryAt.append(now.addingTimeInterval(delay.timeInterval))
            }
            journal.wait(name, reason: ImagePullDecision.Reason.errImagePull, message: message)
            return nil
        }
        let elapsed = clock.now - started
        journal.event(
            .normal,
            "Pulled",
            "Successfully pulled image \"\(image)\" in \(formatGoDuration(elapsed))",
            container: name
        )
        self.imageBackOff.collectGarbage(now: self.now())
        return EnsuredImage(info: try? await self.runtime.imageStatus(spec))
    }
}
