import TestSupport

/// Deterministic test data for the gzip tests, from the shared seeded generator so failures reproduce.
typealias TestBytes = SeededGenerator

extension SeededGenerator {
    /// `count` random bytes.
    mutating func random(_ count: Int) -> [UInt8] { bytes(count) }

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
