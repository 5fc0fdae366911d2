extension RuntimeVersion {
    package init(_ proto: Runtime_V1_VersionResponse) {
        self.init(
            version: proto.version,
            runtimeName: proto.runtimeName,
            runtimeVersion: proto.runtimeVersion,
            runtimeAPIVersion: proto.runtimeApiVersion
        )
    }
}

extension RuntimeStatus {
    package init(_ proto: Runtime_V1_StatusResponse) {
        self.init(
            conditions: proto.status.conditions.map {
                RuntimeCondition(type: $0.type, status: $0.status, reason: $0.reason, message: $0.message)
            },
            info: proto.info
        )
    }

    package var proto: Runtime_V1_StatusResponse {
        var proto = Runtime_V1_StatusResponse()
        proto.status.conditions = self.conditions.map {
            var condition = Runtime_V1_RuntimeCondition()
            condition.type = $0.type
            condition.status = $0.status
            condition.reason = $0.reason
            condition.message = $0.message
            return condition
        }
        proto.info = self.info
        return proto
    }
}

extension ImageInfo {
    package init(_ proto: Runtime_V1_Image) {
        self.init(
            id: proto.id,
            repoTags: proto.repoTags,
            repoDigests: proto.repoDigests,
            size: proto.size,
            uid: proto.hasUid ? proto.uid.value : nil,
            username: proto.username,
            pinned: proto.pinned
        )
    }

    package var proto: Runtime_V1_Image {
        var proto = Runtime_V1_Image()
        proto.id = self.id
        proto.repoTags = self.repoTags
        proto.repoDigests = self.repoDigests
        proto.size = self.size
        if let uid = self.uid { proto.uid = Runtime_V1_Int64Value(uid) }
        proto.username = self.username
        proto.pinned = self.pinned
        return proto
    }
}

extension AuthConfig {
    package var proto: Runtime_V1_AuthConfig {
        var proto = Runtime_V1_AuthConfig()
        proto.username = self.username
        proto.password = self.password
        proto.auth = self.auth
        proto.serverAddress = self.serverAddress
        proto.identityToken = self.identityToken
        proto.registryToken = self.registryToken
        return proto
    }
}
