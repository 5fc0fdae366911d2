// AgentHTTP: the agent's HTTP surface (/healthz, /metrics, /pods) and the `pods` table renderer.
