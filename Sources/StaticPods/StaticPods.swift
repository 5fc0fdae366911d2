// The static-pod manifest sources arrive with the kubelet-core issue.
