import CRIClient

// CRIClient and KubeAPI both declare `EnvVar`, `Capabilities`, `ContainerStatus` and `ContainerState`. Files that
// import both modules name the Kubernetes types `KubeAPI.X` and the CRI types through these aliases (the module
// `CRIClient` also declares a type `CRIClient`, so `CRIClient.X` does not name the module's type).

typealias CRIEnvVar = EnvVar
typealias CRICapabilities = Capabilities
