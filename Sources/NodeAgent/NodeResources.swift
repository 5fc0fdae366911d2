import Foundation

/// The node's capacity, read from the kernel.
enum NodeResources {
    /// Online CPUs in milli-CPUs.
    static func milliCPU() -> Int64 {
        Int64(ProcessInfo.processInfo.activeProcessorCount) * 1000
    }

    /// Physical memory in bytes.
    static func memoryBytes() -> Int64 {
        Int64(clamping: ProcessInfo.processInfo.physicalMemory)
    }
}
