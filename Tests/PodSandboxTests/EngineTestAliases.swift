import CRIClient

// KubeAPI and CRIClient both declare ContainerStatus and ContainerState; the engine tests name the runtime's.
typealias RuntimeContainerState = ContainerState
