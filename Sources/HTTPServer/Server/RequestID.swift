import Synchronization

/// Request ids: the client's own when it is a short token, otherwise a fresh random one.
enum RequestID {
    /// Accepts `X-Request-Id` values of 1–128 characters from `[A-Za-z0-9._:-]`; anything else is replaced,
    /// so a client cannot inject text into our logs through it.
    static func make(from header: String?) -> String {
        if let header, (1...128).contains(header.utf8.count), header.utf8.allSatisfy(isAllowed) {
            return header
        }
        let hex = String(next(), radix: 16)
        return "req_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A random key drawn once; ids are the SplitMix64 finaliser of key + a counter, a bijection, so they never
    /// repeat within a process and look random in the logs, without a `getrandom(2)` system call per request.
    /// (An id correlates log lines; it is not a secret.)
    private static let key: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()
    private static let counter = Atomic<UInt64>(0)

    static func next() -> UInt64 {
        var value = key &+ counter.wrappingAdd(1, ordering: .relaxed).oldValue &* 0x9E37_79B9_7F4A_7C15
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
