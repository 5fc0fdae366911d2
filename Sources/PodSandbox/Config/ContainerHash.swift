public import KubeAPI
import Foundation

/// The container spec hash the agent writes into the `io.kubernetes.container.hash` annotation, so that a
/// container whose spec changed is replaced, including after an agent restart.
///
/// Upstream hashed the whole container spec as JSON with FNV-1a 32 until v1.30 (`HashContainer`). Here it is
/// FNV-1a 64 over a canonical JSON encoding (sorted keys, unset fields left out) of the fields that define
/// what runs: name, image, command, args, workingDir, ports, envFrom, env, resources, volumeMounts,
/// lifecycle, terminationMessagePath/Policy, imagePullPolicy, securityContext, stdin, stdinOnce, tty and
/// restartPolicy. Probes are left out: changing one does not need a new container.
public enum ContainerHash {
    /// The hash as lower-case hex.
    ///
    /// - Parameter container: the container spec.
    /// - Returns: the hash, e.g. `9f2c51d0a4e0b3c1`.
    public static func compute(_ container: Container) -> String {
        var hashed = container
        hashed.livenessProbe = nil
        hashed.readinessProbe = nil
        hashed.startupProbe = nil
        var hasher = FNV1a64()
        do {
            let data = try KubeJSON.encoder(sorted: true).encode(hashed)
            hasher.combine(data)
        } catch {
            // Encoding plain value types does not fail; fall back to the description to stay total.
            hasher.combine(Array(String(describing: hashed).utf8))
        }
        return hasher.hex
    }
}
