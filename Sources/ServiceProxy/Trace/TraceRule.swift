/// A rule's matches and target, tokenized from its restore/save text.
struct TraceRule {
    enum Match {
        case proto(String)
        case source(IPv4CIDR)
        case destination(IPv4CIDR)
        case inInterface(String)
        case destinationPort(Int)
        case srcTypeLocal
        case dstTypeLocal
        case probability(Double)
        case recentCheck(String)
        case recentSet(String)
        case mark(value: UInt32, mask: UInt32)
        case ctstate([String])
    }

    enum Target {
        case none
        case jump(String)
        case accept, drop, reject, `return`
        case dnat(String)
        case markOr(UInt32)
        case markXor(UInt32)
        case markSet(value: UInt32, mask: UInt32)
        case masquerade
    }

    var matches: [(match: Match, negated: Bool)] = []
    var target: Target = .none

    init(_ spec: String) throws(TraceRuleError) {
        let words = try Self.tokenize(spec)
        var index = 0
        var negate = false
        var recentName: String?
        var recentCheck = false
        var recentSet = false
        func next() throws(TraceRuleError) -> String {
            index += 1
            guard index < words.count else { throw TraceRuleError("missing value after \"\(words[index - 1])\"") }
            return words[index]
        }
        func add(_ match: Match) {
            self.matches.append((match, negate))
            negate = false
        }
        while index < words.count {
            let word = words[index]
            switch word {
            case "!": negate = true
            case "-p", "--protocol": add(.proto(try next()))
            case "-s", "--source", "--src": add(.source(try Self.cidr(try next())))
            case "-d", "--destination", "--dst": add(.destination(try Self.cidr(try next())))
            case "-i", "--in-interface": add(.inInterface(try next()))
            case "-m", "--match": _ = try next()
            case "--comment", "--mode", "--nfacct-name", "--seconds", "--reject-with", "--mask", "--hitcount":
                _ = try next()
            case "--name": recentName = try next()
            case "--rcheck", "--update": recentCheck = true
            case "--set": recentSet = true
            case "--reap", "--random-fully", "--rsource": break
            case "--dport", "--destination-port":
                guard let port = Int(try next()) else { throw TraceRuleError("bad port") }
                add(.destinationPort(port))
            case "--src-type":
                guard try next() == "LOCAL" else { throw TraceRuleError("only LOCAL address types are supported") }
                add(.srcTypeLocal)
            case "--dst-type":
                guard try next() == "LOCAL" else { throw TraceRuleError("only LOCAL address types are supported") }
                add(.dstTypeLocal)
            case "--probability":
                guard let value = Double(try next()) else { throw TraceRuleError("bad probability") }
                add(.probability(value))
            case "--mark":
                let (value, mask) = try Self.markMask(try next())
                add(.mark(value: value, mask: mask))
            case "--ctstate", "--state":
                add(.ctstate((try next()).split(separator: ",").map(String.init)))
            case "-j", "--jump", "-g", "--goto":
                let target = try next()
                switch target {
                case "ACCEPT": self.target = .accept
                case "DROP": self.target = .drop
                case "REJECT": self.target = .reject
                case "RETURN": self.target = .return
                case "MASQUERADE": self.target = .masquerade
                case "DNAT", "MARK": self.target = .none
                default: self.target = .jump(target)
                }
                if target == "DNAT" || target == "MARK" {
                    let option = try next()
                    let value = try next()
                    switch option {
                    case "--to-destination": self.target = .dnat(value)
                    case "--or-mark": self.target = .markOr(try Self.number(value))
                    case "--xor-mark": self.target = .markXor(try Self.number(value))
                    case "--set-xmark", "--set-mark":
                        let (v, m) = try Self.markMask(value)
                        self.target = .markSet(value: v, mask: m)
                    default: throw TraceRuleError("unsupported \(target) option \"\(option)\"")
                    }
                }
            default:
                throw TraceRuleError("unsupported option \"\(word)\"")
            }
            index += 1
        }
        if let name = recentName {
            if recentCheck { add(.recentCheck(name)) }
            if recentSet { add(.recentSet(name)) }
            if !recentCheck && !recentSet { throw TraceRuleError("recent match without --rcheck or --set") }
        }
    }

    static func cidr(_ text: String) throws(TraceRuleError) -> IPv4CIDR {
        guard let cidr = IPv4CIDR(text) else { throw TraceRuleError("not an IPv4 address or CIDR: \"\(text)\"") }
        return cidr
    }

    static func number(_ text: String) throws(TraceRuleError) -> UInt32 {
        let parsed = text.hasPrefix("0x") ? UInt32(text.dropFirst(2), radix: 16) : UInt32(text)
        guard let parsed else { throw TraceRuleError("not a number: \"\(text)\"") }
        return parsed
    }

    static func markMask(_ text: String) throws(TraceRuleError) -> (UInt32, UInt32) {
        let parts = text.split(separator: "/")
        let value = try self.number(String(parts[0]))
        let mask = parts.count > 1 ? try self.number(String(parts[1])) : UInt32.max
        return (value, mask)
    }

    /// Splits iptables-restore text into words: blanks separate, double quotes group (without the quotes).
    static func tokenize(_ text: String) throws(TraceRuleError) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        var inWord = false
        for character in text {
            if character == "\"" {
                quoted.toggle()
                inWord = true
            } else if character == " " && !quoted {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        guard !quoted else { throw TraceRuleError("unterminated quote") }
        if inWord { words.append(current) }
        return words
    }
}

struct TraceRuleError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
