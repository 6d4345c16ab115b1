import Glibc

/// The non-empty lines of UTF-8 bytes, as ranges, trimmed of spaces, tabs, CRs and `trim`, each
/// end found with memchr (Foundation's trimming and String's generic decoding cost more than the
/// rest of a request).
struct LineScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// The bytes to trim, all below 64 (whitespace and Markdown's marks are), as bits: unlike an
    /// array, a mask costs no reference counting in the scanner's loop.
    private let trim: UInt64
    private var start = 0  // where the next line begins

    /// Lines trimmed of spaces, tabs, CRs and the bytes of `trim` (a `mask`).
    init(_ bytes: UnsafeBufferPointer<UInt8>, trimming trim: UInt64 = 0) {
        self.bytes = bytes
        self.trim = trim | Self.whitespace
    }

    private static let whitespace = mask([0x20, 0x09, 0x0D])

    /// The mask of bytes (each below 64) that `init` takes.
    static func mask(_ bytes: [UInt8]) -> UInt64 {
        precondition(bytes.allSatisfy { $0 < 64 }, "only bytes below 64 can be trimmed")
        return bytes.reduce(0) { $0 | 1 << $1 }
    }

    mutating func next() -> Range<Int>? {
        while start <= bytes.count {
            var end = bytes.count
            if start < bytes.count, let base = bytes.baseAddress, let newline = memchr(base + start, 0x0A, bytes.count - start) {
                end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            }
            var low = start
            var high = end
            while low < high, strips(bytes[low]) { low += 1 }
            while high > low, strips(bytes[high - 1]) { high -= 1 }
            start = end + 1
            if low < high { return low..<high }
        }
        return nil
    }

    private func strips(_ byte: UInt8) -> Bool {
        byte < 64 && trim & (1 << byte) != 0
    }
}
