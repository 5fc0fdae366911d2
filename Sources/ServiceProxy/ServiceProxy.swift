// The iptables and IPVS service proxy arrives with the service-proxy issues.
