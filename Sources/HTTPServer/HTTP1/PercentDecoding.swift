/// Percent-decoding of request-target parts (RFC 3986 §2.1), strict: a malformed escape, an
/// encoded NUL or a result that is not UTF-8 is an error, never silently repaired.
enum PercentDecoding {
    /// Decodes `bytes`, which must already be visible ASCII; with `plusAsSpace`, `+` becomes a space
    /// (form encoding, used for query items only).
    static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>,
        plusAsSpace: Bool
    ) throws(HTTPParseError) -> String {
        var needsWork = false
        for byte in bytes where byte == HTTPSyntax.percent || (plusAsSpace && byte == HTTPSyntax.plus) {
            needsWork = true
            break
        }
        if !needsWork {
            return String(decoding: bytes, as: UTF8.self)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == HTTPSyntax.percent {
                guard index + 2 < count,
                    let high = HTTPSyntax.hexValue(bytes[index + 1]),
                    let low = HTTPSyntax.hexValue(bytes[index + 2])
                else {
                    throw .badRequest("invalid percent-encoding in request-target")
                }
                let value = high << 4 | low
                guard value != 0 else {
                    throw .badRequest("percent-encoded NUL in request-target")
                }
                decoded.append(value)
                index += 3
            } else {
                decoded.append(plusAsSpace && byte == HTTPSyntax.plus ? HTTPSyntax.space : byte)
                index += 1
            }
        }
        guard let string = String(validating: decoded, as: UTF8.self) else {
            throw .badRequest("percent-decoded request-target is not UTF-8")
        }
        return string
    }
}
