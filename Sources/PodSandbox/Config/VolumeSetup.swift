#if canImport(Glibc)
import Glibc
#endif

/// A volume could not be set up or torn down; the message names the volume and the path.
public struct VolumeSetupError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed, naming the volume and path.
    public var message: String

    /// - Parameter message: what failed, naming the volume and path.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { self.message }
}

/// Carries out a ``VolumePlan`` on the node: the thin I/O shell behind the pure plan.
public protocol VolumeSetup: Sendable {
    /// Makes a volume ready: creates emptyDir directories, mounts memory-backed ones, checks (and for the
    /// `...OrCreate` types creates) hostPath paths.
    ///
    /// - Parameter volume: the planned volume.
    /// - Throws: ``VolumeSetupError`` naming the volume.
    func setUp(_ volume: VolumePlan.Volume) throws(VolumeSetupError)

    /// Makes a sub-path mount safe: creates the sub-path directory when missing and checks that it resolves
    /// (symlinks followed) inside its volume.
    ///
    /// - Parameter mount: the planned mount.
    /// - Throws: ``VolumeSetupError`` when the sub-path escapes its volume or cannot be created.
    func prepareSubPath(_ mount: VolumePlan.PlannedMount) throws(VolumeSetupError)

    /// Writes the files of a data volume (configMap, secret, downwardAPI, projected) atomically; see the
    /// default implementation in the extension, which fails.
    ///
    /// - Parameters:
    ///   - volume: the planned volume, set up by ``setUp(_:)``.
    ///   - payload: the files by relative path.
    ///   - fsGroup: the pod's `fsGroup`, if any.
    /// - Returns: whether anything changed on disk.
    /// - Throws: ``VolumeSetupError`` naming the volume.
    func writeData(_ volume: VolumePlan.Volume, payload: [String: FileProjection], fsGroup: Int64?)
        throws(VolumeSetupError) -> Bool

    /// Creates an empty, world-writable termination-message file (its parent directories included).
    ///
    /// - Parameter path: the file, from ``VolumePlan/terminationMessageFile(containerName:instance:)``.
    /// - Throws: ``VolumeSetupError`` naming the path.
    func createTerminationMessageFile(_ path: String) throws(VolumeSetupError)

    /// Writes a small file the agent manages for the pod (its `/etc/hosts`), replacing it atomically.
    ///
    /// - Parameters:
    ///   - path: the file, e.g. ``EtcHosts/hostFile(podDirectory:)``.
    ///   - contents: the text.
    /// - Throws: ``VolumeSetupError`` naming the path.
    func writeFile(_ path: String, contents: String) throws(VolumeSetupError)

    /// Removes the pod's directory: unmounts its memory-backed volumes (those of the plan and any mounted
    /// emptyDir found there, for pods whose spec is gone), then deletes the tree without crossing into other
    /// file systems.
    ///
    /// - Parameter plan: the pod's plan.
    /// - Throws: ``VolumeSetupError`` when a tmpfs cannot be unmounted or the tree cannot be removed.
    func tearDown(_ plan: VolumePlan) throws(VolumeSetupError)
}

extension VolumeSetup {
    /// Writes the files of a data volume (configMap, secret, downwardAPI, projected) with an ``AtomicWriter``
    /// into its directory, which ``setUp(_:)`` created (and mounted, for tmpfs-backed ones). This default
    /// writes nothing and fails: only setups that write files implement it.
    ///
    /// - Parameters:
    ///   - volume: the planned volume.
    ///   - payload: the files by relative path.
    ///   - fsGroup: the pod's `fsGroup`: files get that group and group read access, as upstream's
    ///     `SetVolumeOwnership` does for read-only volumes.
    /// - Returns: whether anything changed on disk.
    /// - Throws: ``VolumeSetupError`` naming the volume.
    public func writeData(_ volume: VolumePlan.Volume, payload: [String: FileProjection], fsGroup: Int64?)
        throws(VolumeSetupError) -> Bool
    {
        throw VolumeSetupError("volume \"\(volume.name)\": this volume setup cannot write files")
    }

    /// Sets up every volume of the plan and prepares the sub-paths of the given mounts.
    ///
    /// - Parameters:
    ///   - plan: the pod's plan.
    ///   - mounts: the planned mounts of the containers about to start.
    /// - Throws: the first ``VolumeSetupError``.
    public func setUp(_ plan: VolumePlan, mounts: [VolumePlan.PlannedMount] = []) throws(VolumeSetupError) {
        for volume in plan.volumes { try self.setUp(volume) }
        for mount in mounts where !mount.subPath.isEmpty { try self.prepareSubPath(mount) }
    }
}
