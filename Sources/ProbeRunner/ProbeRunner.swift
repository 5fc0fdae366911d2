// Liveness, readiness and startup probes arrive with the probes issue.
