import BatchCore
import Glibc

/// The texts of chat messages' `content`, read straight from the bytes of their line through the
/// spans the validator's scan found: no JSON value of the line is built, and of each text only the
/// head the responder reads is decoded (and its length counted). The scan has checked the strings
/// already (valid UTF-8, valid escapes) and lines with `\u` escapes never come here, so every
/// escape left is two bytes that decode to one.
enum ChatSpanText {
    /// `body` with the heads of the spans' texts (valid during the call only).
    static func withHeads<Result>(
        _ spans: [ChatMessageSpan], in line: UnsafeBufferPointer<UInt8>, _ body: ([TemplateResponder.TextHead]) -> Result
    ) -> Result {
        let limit = TemplateResponder.textHeadBytes
        let escaped = spans.reduce(0) { $0 + ($1.escaped ? 1 : 0) }
        // Room for each escaped text's decoded head; plain texts are read in place.
        let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, escaped * limit))
        defer { scratch.deallocate() }
        var used = 0
        let heads = spans.map { span -> TemplateResponder.TextHead in
            let raw = UnsafeBufferPointer(rebasing: line[span.content])
            guard span.escaped else { return .init(bytes: UnsafeBufferPointer(rebasing: raw.prefix(limit)), count: raw.count) }
            let room = UnsafeMutableBufferPointer(rebasing: scratch[used..<(used + limit)])
            let (filled, count) = decode(raw, into: room)
            used += limit
            return .init(bytes: UnsafeBufferPointer(rebasing: room[..<filled]), count: count)
        }
        return body(heads)
    }

    /// Decodes the start of `raw` into `room` (as much as fits) and counts the decoded length of
    /// all of it: one byte less for each escape.
    private static func decode(_ raw: UnsafeBufferPointer<UInt8>, into room: UnsafeMutableBufferPointer<UInt8>) -> (filled: Int, count: Int) {
        var index = 0
        var filled = 0
        var escapes = 0
        while index < raw.count, filled < room.count {
            let byte = raw[index]
            index += 1
            guard byte == UInt8(ascii: "\\"), index < raw.count else {
                room[filled] = byte
                filled += 1
                continue
            }
            escapes += 1
            room[filled] = unescaped(raw[index])
            filled += 1
            index += 1
        }
        // Past the head only the escapes are counted, found by memchr.
        guard let base = raw.baseAddress else { return (filled, raw.count - escapes) }
        while index < raw.count, let found = memchr(base + index, 0x5C, raw.count - index) {
            escapes += 1
            index = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 2
        }
        return (filled, raw.count - escapes)
    }

    private static func unescaped(_ kind: UInt8) -> UInt8 {
        switch kind {
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: kind  // \" \\ \/
        }
    }
}
