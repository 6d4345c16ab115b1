extension JSONScanner {
    /// Builds the value at the cursor (after whitespace). With `keeping`, members of objects whose names
    /// are not in it are checked but not built: a result line's `usage`, `logprobs` and ids are never read,
    /// so they cost a pass, not an allocation.
    public mutating func value(depth: Int = 0, keeping keys: Set<String>? = nil) throws(Failure) -> JSONValue {
        skipWhitespace()
        guard let byte = peek() else { throw fail("a value is missing") }
        switch byte {
        case UInt8(ascii: "{"):
            // Room for a request line's members at once: growing from empty resized each object two or
            // three times, a tenth of reading a line.
            var members = [String: JSONValue](minimumCapacity: 4)
            try scanObject(depth: depth) { scanner, key throws(Failure) in
                if let keys, !keys.contains(key) {
                    _ = try scanner.skipValue(depth: depth + 1)
                } else {
                    members[key] = try scanner.value(depth: depth + 1, keeping: keys)
                }
            }
            return .object(members)
        case UInt8(ascii: "["):
            var elements: [JSONValue] = []
            try scanArray(depth: depth) { scanner throws(Failure) in
                elements.append(try scanner.value(depth: depth + 1, keeping: keys))
            }
            return .array(elements)
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = index
            try skipNumber()
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let number = Double(text) else { throw Failure(reason: "a number out of range", column: start + 1) }
            return .number(number)
        default:
            throw fail("unexpected character '\(Self.printable(byte))'")
        }
    }
}

extension JSONValue {
    /// Parses one whole JSON document (RFC 8259, strict UTF-8); see `JSONScanner.value(depth:keeping:)`
    /// for `keeping`.
    public init(parsing bytes: UnsafeBufferPointer<UInt8>, keeping keys: Set<String>? = nil) throws(JSONScanner.Failure) {
        var scanner = JSONScanner(bytes)
        self = try scanner.value(keeping: keys)
        try scanner.expectEnd()
    }

    /// Parses one whole JSON document from raw bytes.
    public init(parsing bytes: UnsafeRawBufferPointer, keeping keys: Set<String>? = nil) throws(JSONScanner.Failure) {
        try self.init(parsing: bytes.bindMemory(to: UInt8.self), keeping: keys)
    }

    /// Parses one whole JSON document from a byte array.
    public init(parsing bytes: [UInt8], keeping keys: Set<String>? = nil) throws(JSONScanner.Failure) {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONScanner.Failure) in try JSONValue(parsing: buffer, keeping: keys) }
        }
        self = try result.get()
    }

    /// Parses one whole JSON document from text.
    public init(parsing text: String, keeping keys: Set<String>? = nil) throws(JSONScanner.Failure) {
        try self.init(parsing: Array(text.utf8), keeping: keys)
    }
}
