/// Upstream's name checks (`k8s.io/apimachinery/pkg/util/validation`): each returns the problems, empty when valid.
public enum NameValidation {
    static let dns1123LabelMaxLength = 63
    static let dns1123SubdomainMaxLength = 253

    /// Checks an RFC 1123 label (container, volume and namespace names).
    public static func dns1123Label(_ value: String) -> [String] {
        var problems: [String] = []
        if value.utf8.count > Self.dns1123LabelMaxLength {
            problems.append("must be no more than \(Self.dns1123LabelMaxLength) characters")
        }
        if !Self.isLabel(Substring(value)) {
            problems.append(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                    + "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
                    + "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
            )
        }
        return problems
    }

    /// Checks an RFC 1123 subdomain (pod names).
    public static func dns1123Subdomain(_ value: String) -> [String] {
        var problems: [String] = []
        if value.utf8.count > Self.dns1123SubdomainMaxLength {
            problems.append("must be no more than \(Self.dns1123SubdomainMaxLength) characters")
        }
        let labels = value.split(separator: ".", omittingEmptySubsequences: false)
        if value.isEmpty || !labels.allSatisfy(Self.isLabel) {
            problems.append(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                    + "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                    + "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            )
        }
        return problems
    }

    /// Checks an environment variable name (upstream's relaxed rule: printable ASCII except `=`).
    public static func envVarName(_ value: String) -> [String] {
        let valid = !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value >= 32 && $0.value <= 126 && $0 != "=" }
        let problem = "a valid environment variable name must consist only of printable ASCII characters other than '='"
        return valid ? [] : [problem]
    }

    /// Checks an IANA service name (container port names): at most 15 characters, lowercase alphanumerics and
    /// `-`, at least one letter, no leading, trailing or double `-`.
    public static func portName(_ value: String) -> [String] {
        var problems: [String] = []
        if value.count > 15 { problems.append("must be no more than 15 characters") }
        let allowed = value.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
        if !allowed { problems.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)") }
        if value.contains("--") { problems.append("must not contain consecutive hyphens") }
        if !value.unicodeScalars.contains(where: { ("a"..."z").contains($0) }) {
            problems.append("must contain at least one letter (a-z)")
        }
        if value.hasPrefix("-") || value.hasSuffix("-") { problems.append("must not begin or end with a hyphen") }
        return problems
    }

    private static func isLabel(_ value: Substring) -> Bool {
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last else { return false }
        func alnum(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) }
        return alnum(first) && alnum(last) && value.unicodeScalars.allSatisfy { alnum($0) || $0 == "-" }
    }
}
