import JSON

/// The simulator's JSON string escaping as it was before it copied runs of bytes in bulk, kept
/// verbatim as the reference the faster `JSONWriter` must match byte for byte.
enum LegacyJSONText {
    static func escaped(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        let hexDigits = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): bytes += Array("\\\\".utf8)
            case 0x0A: bytes += Array("\\n".utf8)
            case 0x0D: bytes += Array("\\r".utf8)
            case 0x09: bytes += Array("\\t".utf8)
            case 0x00..<0x20:
                bytes += Array("\\u00".utf8)
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        return bytes
    }

    /// A value written as before: keys sorted, then looked up.
    static func written(_ value: JSONValue) -> [UInt8] {
        switch value {
        case .object(let members):
            var bytes: [UInt8] = [UInt8(ascii: "{")]
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += escaped(key) + [UInt8(ascii: ":")] + written(members[key]!)
            }
            return bytes + [UInt8(ascii: "}")]
        case .array(let items):
            var bytes: [UInt8] = [UInt8(ascii: "[")]
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += written(item)
            }
            return bytes + [UInt8(ascii: "]")]
        case .string(let text): return escaped(text)
        default:
            var writer = JSONWriter()
            writer.write(value)
            return writer.bytes
        }
    }
}
