// `$(VAR)` references in env values, command and args, expanded the way upstream's forked Go
// `expansion` package does it (k/k third_party/forked/golang/expansion): `$(NAME)` is replaced by the
// variable's value when it is known and left as written otherwise, `$$` is an escaped `$`, and a `$`
// that does not start a reference is kept.

/// Expansion of `$(VAR)` references in container env values, commands and arguments.
public enum EnvExpansion {
    /// Expands every `$(NAME)` in `input` through `lookup`; unknown names stay as `$(NAME)`.
    ///
    /// - Parameters:
    ///   - input: the text from the pod spec.
    ///   - lookup: the value of a variable, or `nil` when it is not defined.
    /// - Returns: the expanded text.
    public static func expand(_ input: String, lookup: (String) -> String?) -> String {
        let bytes = Array(input.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var checkpoint = 0
        var cursor = 0
        while cursor < bytes.count {
            if bytes[cursor] == UInt8(ascii: "$"), cursor + 1 < bytes.count {
                output.append(contentsOf: bytes[checkpoint..<cursor])
                let (read, isVariable, advance) = Self.readVariableName(bytes[(cursor + 1)...])
                if isVariable {
                    let name = String(decoding: read, as: UTF8.self)
                    if let value = lookup(name) {
                        output.append(contentsOf: Array(value.utf8))
                    } else {
                        output.append(contentsOf: Array("$(\(name))".utf8))
                    }
                } else {
                    output.append(contentsOf: read)
                }
                cursor += advance
                checkpoint = cursor + 1
            }
            cursor += 1
        }
        output.append(contentsOf: bytes[min(checkpoint, bytes.count)...])
        return String(decoding: output, as: UTF8.self)
    }

    /// Expands against a dictionary of variables.
    ///
    /// - Parameters:
    ///   - input: the text from the pod spec.
    ///   - variables: the variables known so far.
    /// - Returns: the expanded text.
    public static func expand(_ input: String, variables: [String: String]) -> String {
        Self.expand(input) { variables[$0] }
    }

    /// Reads what follows a `$`: returns the bytes to emit (or the variable name), whether it was a
    /// complete `$(NAME)` reference, and how many bytes after the `$` were consumed.
    private static func readVariableName(_ input: ArraySlice<UInt8>) -> ([UInt8], Bool, Int) {
        let first = input[input.startIndex]
        switch first {
        case UInt8(ascii: "$"):
            return ([first], false, 1)
        case UInt8(ascii: "("):
            var index = input.startIndex + 1
            while index < input.endIndex {
                if input[index] == UInt8(ascii: ")") {
                    return (Array(input[(input.startIndex + 1)..<index]), true, index - input.startIndex + 1)
                }
                index += 1
            }
            return (Array("$(".utf8), false, 1)
        default:
            return ([UInt8(ascii: "$"), first], false, 1)
        }
    }
}
