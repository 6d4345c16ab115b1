/// Deterministic test data: SplitMix64 so failures reproduce.
struct TestBytes {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` random bytes.
    mutating func random(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset + 8 <= count {
                raw.storeBytes(of: next(), toByteOffset: offset, as: UInt64.self)
                offset += 8
            }
            while offset < count {
                raw[offset] = UInt8(truncatingIfNeeded: next())
                offset += 1
            }
        }
        return bytes
    }

    /// Half random, half repetitive text: compresses somewhat and exercises both deflate paths.
    mutating func mixed(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        let line = Array("{\"custom_id\":\"request-1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\"}\n".utf8)
        while bytes.count < count {
            bytes += random(min(4096, count - bytes.count))
            for _ in 0..<50 where bytes.count < count {
                bytes += line.prefix(count - bytes.count)
            }
        }
        return bytes
    }

    /// Splits `bytes` into chunks whose sizes cycle through `sizes`.
    static func chunks(_ bytes: [UInt8], sizes: [Int]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var start = 0
        var index = 0
        while start < bytes.count {
            let end = min(bytes.count, start + sizes[index % sizes.count])
            result.append(Array(bytes[start..<end]))
            start = end
            index += 1
        }
        return result
    }
}
