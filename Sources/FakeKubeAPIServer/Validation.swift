import KubeAPI

/// The part of upstream's validation the fake applies, because clients get it wrong in ways a real API server
/// rejects: object names (RFC 1123 subdomain, or label for namespaces and services) and the namespace of core/v1
/// Events (`legacyValidateEvent`). Anything else is stored as sent (a real server also drops unknown fields; the
/// fake keeps them).
enum Validation {
    static func validate(_ resource: APIResource, _ object: JSON) throws {
        let name = object.name
        let labelNamed: Set<APIResource> = [.namespaces, .services]
        let problems = labelNamed.contains(resource) ? NameValidation.dns1123Label(name) : NameValidation.dns1123Subdomain(name)
        if let problem = problems.first {
            throw APIStatusError.invalid(resource, name: name, field: "metadata.name", type: "Invalid value: \"\(name)\"",
                                         causeReason: "FieldValueInvalid", detail: problem)
        }
        if resource == .events, object["eventTime"].isNull {
            let involved = object["involvedObject"]["namespace"].string ?? ""
            let namespace = object.namespace
            let matches = involved.isEmpty ? (namespace.isEmpty || namespace == "default") : namespace == involved
            if !matches {
                throw APIStatusError.invalid(resource, name: name, field: "involvedObject.namespace",
                                             type: "Invalid value: \"\(involved)\"", causeReason: "FieldValueInvalid",
                                             detail: "does not match event.namespace")
            }
        }
    }

    /// POST and PUT bodies must be JSON (a missing Content-Type defaults to JSON, as upstream's negotiation).
    static func checkContentType(_ request: RecordedRequest) throws {
        let mediaType = request.contentType.split(separator: ";").first.map { String($0).trimmingSpaces().lowercased() } ?? ""
        guard mediaType.isEmpty || mediaType == "application/json" || mediaType == "*/*" else {
            throw APIStatusError(
                code: 415, reason: "UnsupportedMediaType",
                message: "the body of the request was in an unknown format - accepted media types include: "
                    + "application/json (the fake serves JSON only; got \(request.contentType))"
            )
        }
    }
}
