import Synchronization

/// Ids shaped like the live API's: `file-<base62>`, `batch_<hex>`, `batch_req_<hex>`, `req_<hex>`.
enum Identifiers {
    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The bits of the two ids every result line takes. A `getrandom(2)` call per 64 bits cost more
    /// than the rest of writing the line, so they come from SplitMix64, seeded once from the
    /// system's generator: unique and unpredictable enough for a simulator's ids (not secrets).
    private static let lineBits = Mutex(SeededGenerator(seed: {
        var system = SystemRandomNumberGenerator()
        return system.next()
    }()))

    static func file() -> String {
        var generator = SystemRandomNumberGenerator()
        return "file-" + String((0..<22).map { _ in base62[Int(generator.next() % 62)] })
    }

    static func batch() -> String {
        var generator = SystemRandomNumberGenerator()
        return "batch_" + hex(32, using: &generator)
    }

    static func batchRequest() -> String { "batch_req_" + lineHex() }
    static func request() -> String { "req_" + lineHex() }

    /// `count` lowercase hex digits from the system's generator.
    static func hex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return hex(count, using: &generator)
    }

    /// 32 hex digits from the per-line generator.
    private static func lineHex() -> String {
        let (high, low) = lineBits.withLock { ($0.next(), $0.next()) }
        return String(unsafeUninitializedCapacity: 32) { buffer in
            put(high, into: buffer, at: 0)
            put(low, into: buffer, at: 16)
            return 32
        }
    }

    /// `count` hex digits, 16 (zero-padded) per 64 random bits, cut to `count`.
    private static func hex(_ count: Int, using generator: inout some RandomNumberGenerator) -> String {
        let words = (count + 15) / 16
        return String(unsafeUninitializedCapacity: words * 16) { buffer in
            for word in 0..<words { put(generator.next(), into: buffer, at: word * 16) }
            return count
        }
    }

    /// Writes `value` as 16 lowercase hex digits at `offset`.
    private static func put(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        for digit in 0..<16 {
            buffer[offset + digit] = hexDigits[Int((value >> UInt64(60 - 4 * digit)) & 0xF)]
        }
    }
}
