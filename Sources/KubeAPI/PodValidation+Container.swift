extension PodValidation {
    static func validateContainer(
        _ container: Container,
        path: FieldPath,
        volumes: Set<String>,
        isInit: Bool,
        hostNetwork: Bool?
    ) -> [FieldError] {
        var errors: [FieldError] = []
        if container.name.isEmpty {
            errors.append(.required(path.child("name")))
        } else {
            for problem in NameValidation.dns1123Label(container.name) {
                errors.append(.invalid(path.child("name"), container.name, problem))
            }
        }
        if (container.image ?? "").isEmpty {
            errors.append(.required(path.child("image")))
        }
        if let policy = container.imagePullPolicy, !PullPolicy.supported.contains(policy) {
            let supported = PullPolicy.supported.map(\.rawValue)
            errors.append(.notSupported(path.child("imagePullPolicy"), policy.rawValue, supported: supported))
        }
        if let policy = container.terminationMessagePolicy, !TerminationMessagePolicy.supported.contains(policy) {
            let supported = TerminationMessagePolicy.supported.map(\.rawValue)
            errors.append(.notSupported(path.child("terminationMessagePolicy"), policy.rawValue, supported: supported))
        }
        if let policy = container.restartPolicy {
            if !isInit {
                errors.append(.forbidden(path.child("restartPolicy"), "may not be set for non-init containers"))
            } else if policy != .always {
                errors.append(.notSupported(path.child("restartPolicy"), policy.rawValue, supported: ["Always"]))
            }
        }
        errors += Self.validatePorts(container.ports, path: path.child("ports"), hostNetwork: hostNetwork ?? false)
        errors += Self.validateEnv(container.env, path: path.child("env"))
        errors += Self.validateVolumeMounts(container.volumeMounts, path: path.child("volumeMounts"), volumes: volumes)
        errors += Self.validateResources(container.resources, path: path.child("resources"))
        let sidecar = isInit && container.restartPolicy == .always
        let probes: [(String, Probe?, Bool)] = [
            ("livenessProbe", container.livenessProbe, true),
            ("readinessProbe", container.readinessProbe, false),
            ("startupProbe", container.startupProbe, true),
        ]
        for (name, probe, mustSucceedOnce) in probes {
            guard let probe else { continue }
            if isInit && !sidecar {
                errors.append(.forbidden(path.child(name), Self.initContainerForbidden))
                continue
            }
            errors += Self.validateProbe(
                probe, path: path.child(name), successMustBeOne: mustSucceedOnce, isReadiness: name == "readinessProbe"
            )
        }
        if let lifecycle = container.lifecycle {
            if isInit && !sidecar {
                errors.append(.forbidden(path.child("lifecycle"), Self.initContainerForbidden))
            }
            if let handler = lifecycle.postStart {
                errors += Self.validateHandler(handler, path: path.child("lifecycle", "postStart"))
            }
            if let handler = lifecycle.preStop {
                errors += Self.validateHandler(handler, path: path.child("lifecycle", "preStop"))
            }
        }
        return errors
    }

    static func validatePorts(_ ports: [ContainerPort], path: FieldPath, hostNetwork: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        var names: Set<String> = []
        for (index, port) in ports.enumerated() {
            let portPath = path.index(index)
            if let name = port.name, !name.isEmpty {
                for problem in NameValidation.portName(name) {
                    errors.append(.invalid(portPath.child("name"), name, problem))
                }
                errors += Self.checkUnique(name, path: portPath.child("name"), seen: &names)
            }
            if port.containerPort == 0 {
                errors.append(.required(portPath.child("containerPort")))
            } else if !(1...65535).contains(port.containerPort) {
                errors.append(.invalid(portPath.child("containerPort"), port.containerPort, Self.portRangeMessage))
            }
            if let hostPort = port.hostPort, hostPort != 0 {
                if !(1...65535).contains(hostPort) {
                    errors.append(.invalid(portPath.child("hostPort"), hostPort, Self.portRangeMessage))
                } else if hostNetwork && hostPort != port.containerPort {
                    let detail = "must match `containerPort` when `hostNetwork` is true"
                    errors.append(.invalid(portPath.child("hostPort"), hostPort, detail))
                }
            }
            if let proto = port.protocol, !NetworkProtocol.supported.contains(proto) {
                let supported = NetworkProtocol.supported.map(\.rawValue)
                errors.append(.notSupported(portPath.child("protocol"), proto.rawValue, supported: supported))
            }
        }
        return errors
    }

    static let portRangeMessage = "must be between 1 and 65535, inclusive"
    static let nonNegativeMessage = "must be greater than or equal to 0"
    static let initContainerForbidden = "may not be set for init containers without restartPolicy=Always"

    static func validateEnv(_ env: [EnvVar], path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, variable) in env.enumerated() {
            let variablePath = path.index(index)
            if variable.name.isEmpty {
                errors.append(.required(variablePath.child("name")))
            } else {
                for problem in NameValidation.envVarName(variable.name) {
                    errors.append(.invalid(variablePath.child("name"), variable.name, problem))
                }
            }
            guard let source = variable.valueFrom else { continue }
            let sourcePath = variablePath.child("valueFrom")
            if let value = variable.value, !value.isEmpty {
                errors.append(.invalid(sourcePath, "", "may not be specified when `value` is not empty"))
            }
            let count = [
                source.fieldRef != nil, source.resourceFieldRef != nil, source.configMapKeyRef != nil,
                source.secretKeyRef != nil,
            ].filter { $0 }.count
            if count == 0 {
                errors.append(
                    .invalid(
                        sourcePath, "",
                        "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"
                    )
                )
            } else if count > 1 {
                errors.append(
                    .invalid(
                        sourcePath, "",
                        "may not have more than one field specified at a time"
                    )
                )
            }
            if let fieldRef = source.fieldRef, fieldRef.fieldPath.isEmpty {
                errors.append(.required(sourcePath.child("fieldRef", "fieldPath")))
            }
            if let resourceRef = source.resourceFieldRef, resourceRef.resource.isEmpty {
                errors.append(.required(sourcePath.child("resourceFieldRef", "resource")))
            }
        }
        return errors
    }

    static func validateVolumeMounts(_ mounts: [VolumeMount], path: FieldPath, volumes: Set<String>) -> [FieldError] {
        var errors: [FieldError] = []
        var mountPaths: Set<String> = []
        for (index, mount) in mounts.enumerated() {
            let mountPath = path.index(index)
            if mount.name.isEmpty {
                errors.append(.required(mountPath.child("name")))
            } else if !volumes.contains(mount.name) {
                errors.append(.notFound(mountPath.child("name"), mount.name))
            }
            if mount.mountPath.isEmpty {
                errors.append(.required(mountPath.child("mountPath")))
            } else {
                if mount.mountPath.contains(":") {
                    errors.append(.invalid(mountPath.child("mountPath"), mount.mountPath, "must not contain ':'"))
                }
                errors += Self.checkUnique(mount.mountPath, path: mountPath.child("mountPath"), seen: &mountPaths)
            }
            if let subPath = mount.subPath, !subPath.isEmpty {
                if subPath.hasPrefix("/") {
                    errors.append(.invalid(mountPath.child("subPath"), subPath, "must be a relative path"))
                } else if subPath.split(separator: "/").contains("..") {
                    errors.append(.invalid(mountPath.child("subPath"), subPath, "must not contain '..'"))
                }
                if let expr = mount.subPathExpr, !expr.isEmpty {
                    let detail = "subPathExpr and subPath are mutually exclusive"
                    errors.append(.invalid(mountPath.child("subPathExpr"), expr, detail))
                }
            }
            if let mode = mount.mountPropagation, !MountPropagationMode.supported.contains(mode) {
                let supported = MountPropagationMode.supported.map(\.rawValue)
                errors.append(.notSupported(mountPath.child("mountPropagation"), mode.rawValue, supported: supported))
            }
        }
        return errors
    }

    static func validateResources(_ resources: ResourceRequirements?, path: FieldPath) -> [FieldError] {
        guard let resources else { return [] }
        var errors: [FieldError] = []
        for (name, quantity) in resources.limits.sorted(by: { $0.key < $1.key }) where quantity.milliValue < 0 {
            errors.append(.invalid(path.child("limits").key(name), quantity.string, Self.nonNegativeMessage))
        }
        for (name, quantity) in resources.requests.sorted(by: { $0.key < $1.key }) {
            let requestPath = path.child("requests").key(name)
            if quantity.milliValue < 0 {
                errors.append(.invalid(requestPath, quantity.string, Self.nonNegativeMessage))
            } else if let limit = resources.limits[name], quantity.milliValue > limit.milliValue {
                let detail = "must be less than or equal to \(name) limit of \(limit)"
                errors.append(.invalid(requestPath, quantity.string, detail))
            }
        }
        return errors
    }

    static func validateProbe(
        _ probe: Probe,
        path: FieldPath,
        successMustBeOne: Bool,
        isReadiness: Bool
    ) -> [FieldError] {
        var errors = Self.validateHandlerCount(
            [probe.exec != nil, probe.httpGet != nil, probe.tcpSocket != nil, probe.grpc != nil], path: path
        )
        let nonNegative: [(String, Int32?)] = [
            ("initialDelaySeconds", probe.initialDelaySeconds), ("timeoutSeconds", probe.timeoutSeconds),
            ("periodSeconds", probe.periodSeconds), ("successThreshold", probe.successThreshold),
            ("failureThreshold", probe.failureThreshold),
        ]
        for (name, value) in nonNegative {
            if let value, value < 0 {
                errors.append(.invalid(path.child(name), value, Self.nonNegativeMessage))
            }
        }
        if successMustBeOne, let threshold = probe.successThreshold, threshold != 1 {
            errors.append(.invalid(path.child("successThreshold"), threshold, "must be 1"))
        }
        if let grace = probe.terminationGracePeriodSeconds {
            if isReadiness {
                let detail = "must not be set for readinessProbes"
                errors.append(.invalid(path.child("terminationGracePeriodSeconds"), grace, detail))
            } else if grace <= 0 {
                errors.append(.invalid(path.child("terminationGracePeriodSeconds"), grace, "must be greater than 0"))
            }
        }
        if let httpGet = probe.httpGet {
            errors += Self.validateHTTPGet(httpGet, path: path.child("httpGet"))
        }
        if let tcp = probe.tcpSocket {
            errors += Self.validatePortNumOrName(tcp.port, path: path.child("tcpSocket", "port"))
        }
        if let grpc = probe.grpc, !(1...65535).contains(grpc.port) {
            errors.append(.invalid(path.child("grpc", "port"), grpc.port, Self.portRangeMessage))
        }
        if let exec = probe.exec, exec.command.isEmpty {
            errors.append(.required(path.child("exec", "command")))
        }
        return errors
    }

    static func validateHandler(_ handler: LifecycleHandler, path: FieldPath) -> [FieldError] {
        var errors = Self.validateHandlerCount(
            [handler.exec != nil, handler.httpGet != nil, handler.tcpSocket != nil, handler.sleep != nil], path: path
        )
        if let exec = handler.exec, exec.command.isEmpty {
            errors.append(.required(path.child("exec", "command")))
        }
        if let httpGet = handler.httpGet {
            errors += Self.validateHTTPGet(httpGet, path: path.child("httpGet"))
        }
        if let sleep = handler.sleep, sleep.seconds < 0 {
            errors.append(.invalid(path.child("sleep", "seconds"), sleep.seconds, Self.nonNegativeMessage))
        }
        return errors
    }

    static func validateHandlerCount(_ set: [Bool], path: FieldPath) -> [FieldError] {
        switch set.filter({ $0 }).count {
        case 0: [.required(path, "must specify a handler type")]
        case 1: []
        default: [.forbidden(path, "may not specify more than 1 handler type")]
        }
    }

    static func validateHTTPGet(_ action: HTTPGetAction, path: FieldPath) -> [FieldError] {
        var errors = Self.validatePortNumOrName(action.port, path: path.child("port"))
        if let scheme = action.scheme, scheme != .http, scheme != .https {
            errors.append(.notSupported(path.child("scheme"), scheme.rawValue, supported: ["HTTP", "HTTPS"]))
        }
        return errors
    }

    static func validatePortNumOrName(_ port: IntOrString, path: FieldPath) -> [FieldError] {
        switch port {
        case .int(let number):
            return (1...65535).contains(number) ? [] : [.invalid(path, number, Self.portRangeMessage)]
        case .string(let name):
            if name.isEmpty { return [.required(path)] }
            return NameValidation.portName(name).map { .invalid(path, name, $0) }
        }
    }
}
