/// UTF-8 text decoded once into the class of each scalar and the byte offset where it starts, so the
/// pre-tokenizer's matchers walk scalars by index and hand back byte ranges for byte-pair merging.
struct ClassifiedText {
    /// The text's bytes.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The class of each scalar (`ScalarClass` raw values).
    let classes: UnsafeMutablePointer<UInt8>
    /// The byte offset of each scalar, plus one past the last (`offsets[count] == bytes.count`).
    let offsets: UnsafeMutablePointer<Int32>
    /// How many scalars.
    let count: Int

    /// Decodes `bytes` into temporary storage that lives as long as `body` runs. A byte that does not start
    /// valid UTF-8 stands for itself with no class (JSON text is valid; this only keeps the count defined).
    static func with<Result>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (ClassifiedText) -> Result) -> Result {
        let capacity = bytes.count + 1
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { classes in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: capacity) { offsets in
                let count = decode(bytes, classes: classes.baseAddress!, offsets: offsets.baseAddress!)
                return body(ClassifiedText(bytes: bytes, classes: classes.baseAddress!, offsets: offsets.baseAddress!, count: count))
            }
        }
    }

    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, classes: UnsafeMutablePointer<UInt8>,
                               offsets: UnsafeMutablePointer<Int32>) -> Int {
        let table = ScalarClass.table
        return table.withUnsafeBufferPointer { table in
            var index = 0
            var count = 0
            let end = bytes.count
            while index < end {
                offsets[count] = Int32(truncatingIfNeeded: index)
                let lead = bytes[index]
                if lead < 0x80 {
                    classes[count] = table[Int(lead)]
                    index += 1
                } else {
                    let (value, length) = decodeScalar(bytes, at: index)
                    if let value {
                        classes[count] = value < ScalarClass.tableSize ? table[Int(value)] : ScalarClass.ofAbove(value)
                    } else {
                        classes[count] = 0
                    }
                    index += length
                }
                count += 1
            }
            offsets[count] = Int32(truncatingIfNeeded: end)
            return count
        }
    }

    /// The scalar at `index` (not ASCII) and its length; `nil` and 1 for a byte that does not start one.
    @inline(__always)
    static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32?, Int) {
        let lead = bytes[index]
        let length: Int
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(lead & 0x07)
        default: return (nil, 1)
        }
        guard index + length <= bytes.count else { return (nil, 1) }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return (nil, 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard Unicode.Scalar(value) != nil else { return (nil, 1) }
        return (value, length)
    }

    /// Whether scalar `index` has any of `classes`.
    @inline(__always)
    func `is`(_ index: Int, _ wanted: ScalarClass) -> Bool {
        classes[index] & wanted.rawValue != 0
    }

    /// The first byte of scalar `index`.
    @inline(__always)
    func leadByte(_ index: Int) -> UInt8 {
        bytes[Int(offsets[index])]
    }

    /// The index past the run of scalars from `start` that have any of `wanted`.
    @inline(__always)
    func runEnd(from start: Int, _ wanted: ScalarClass) -> Int {
        var index = start
        while index < count, classes[index] & wanted.rawValue != 0 { index += 1 }
        return index
    }

    /// The index past the run of scalars from `start` that have none of `unwanted`.
    @inline(__always)
    func runEnd(from start: Int, without unwanted: ScalarClass) -> Int {
        var index = start
        while index < count, classes[index] & unwanted.rawValue == 0 { index += 1 }
        return index
    }
}
