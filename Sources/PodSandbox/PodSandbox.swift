// The pod engine (planner, pod workers, PLEG, status builder) arrives with the kubelet-core issue.
// This module depends on CRIClient and ProbeRunner; see Package.swift for the dependency graph.
