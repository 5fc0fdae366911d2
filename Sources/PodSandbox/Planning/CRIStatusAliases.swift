import CRIClient

// KubeAPI and CRIClient both declare `ContainerStatus` and `ContainerState`. The planning and worker files import
// both modules; they name the Kubernetes types `KubeAPI.X` and the runtime's types through these aliases.

typealias CRIContainerStatus = ContainerStatus
typealias CRIContainerState = ContainerState
