// The Kubernetes API types (core/v1 subset) the agent reads and writes.
