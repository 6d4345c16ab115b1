import BatchCore

/// The text of a chat message's `content`, read straight from the bytes of its line through the span
/// the validator's scan found: no JSON value of the whole line is built. The scan has checked the
/// string already (valid UTF-8, valid escapes) and lines with `\u` escapes never come here, so the
/// only escapes left map one byte to one byte.
enum ChatSpanText {
    /// The decoded text of `span` within `line`.
    static func text(_ span: ChatMessageSpan, in line: UnsafeBufferPointer<UInt8>) -> String {
        let raw = UnsafeBufferPointer(rebasing: line[span.content])
        guard span.escaped else { return String(decoding: raw, as: UTF8.self) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            index += 1
            guard byte == UInt8(ascii: "\\"), index < raw.count else {
                decoded.append(byte)
                continue
            }
            let kind = raw[index]
            index += 1
            switch kind {
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            default: decoded.append(kind)  // \" \\ \/
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }
}
