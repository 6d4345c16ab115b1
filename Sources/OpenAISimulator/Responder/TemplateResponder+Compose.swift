import Foundation
import Glibc
import JSON
import OpenAIClient

/// How an answer is chosen from the prompt: the head that shapes it, and whether it asks for a diagram.
extension TemplateResponder {
    /// The text of a message `content`: a string, or the `text` of its parts.
    static func text(of content: JSONValue?) -> String {
        switch content {
        case .string(let text)?: return text
        case .array(let parts)?: return parts.map { $0["text"]?.stringValue ?? $0.stringValue ?? "" }.joined(separator: "\n")
        case .object?: return content?["text"]?.stringValue ?? ""
        default: return ""
        }
    }

    /// How much of the prompt shapes the text: only the first KiB, so a request costs the same
    /// whatever its size (the simulator's overhead stays far below the cost of reading the file).
    static let headBytes = 1024

    /// Markdown, or PlantUML when the prompt asks for a diagram (see `headBytes`).
    static func compose(prompt: String, context: String, model: String) -> String {
        var context = context
        return context.withUTF8 { context in
            compose(head: PromptHead(prompt), bytes: prompt.utf8.count,
                    contextHead: UnsafeBufferPointer(rebasing: context.prefix(headBytes)), contextBytes: context.count, model: model)
        }
    }

    /// `compose` from the head of the user's text (which is `bytes` long) and the first bytes (at
    /// most `headBytes`) of the context, the whole prompt, which is `contextBytes` long. The answer
    /// is built from byte ranges of the head: the `String`s of lines, a `Set` of them and their
    /// concatenation cost most of a chat request.
    static func compose(head: PromptHead, bytes: Int, contextHead: UnsafeBufferPointer<UInt8>, contextBytes: Int, model: String) -> String {
        head.withBytes { headBytes in
            // An ask for a diagram sits in the system prompt or near the start of the user's. When
            // the lengths agree the context is the user's text itself, searched once.
            if asksForDiagram(contextHead, then: contextBytes != bytes ? headBytes : nil) {
                return plantUML(head: head, headBytes)
            }
            return markdown(head: head, headBytes, bytes: bytes, model: model)
        }
    }

    /// The part of a prompt that shapes the answer, its first `headBytes` in whole scalars: the
    /// first `count` bytes of `text`, a `String` the answer's pieces are copied from (appending a
    /// slice of a `String` copies bytes; making one from bytes validates them again).
    struct PromptHead {
        let text: String
        let count: Int

        /// The head of `prompt`: the prompt itself, or a copy when `headBytes` cut a scalar, whose
        /// first bytes become one U+FFFD (as `String(decoding:)` of the prefix gives).
        init(_ prompt: String) {
            var prompt = prompt
            let bytes = prompt.utf8.count
            if bytes > headBytes, prompt.withUTF8({ $0[headBytes] & 0xC0 == 0x80 }) {
                self.init(decoding: prompt.utf8.prefix(headBytes))
            } else {
                self.init(text: prompt, count: min(bytes, headBytes))
            }
        }

        /// All of `bytes`, decoded (a cut scalar's bytes become U+FFFD).
        init(decoding bytes: some Collection<UInt8>) {
            let text = String(decoding: bytes, as: UTF8.self)
            self.init(whole: text)
        }

        /// All of `text`, however long.
        init(whole text: String) {
            self.init(text: text, count: text.utf8.count)
        }

        /// The first `count` bytes of `text`, which end on a scalar's boundary.
        init(text: String, count: Int) {
            self.text = text
            self.count = count
        }

        /// `body` on the head's bytes, read in place.
        func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
            var text = text
            return text.withUTF8 { body(UnsafeBufferPointer(rebasing: $0.prefix(count))) }
        }

        /// The text of a byte range on scalar boundaries.
        subscript(range: Range<Int>) -> Substring {
            let utf8 = text.utf8
            let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            return text[start..<utf8.index(start, offsetBy: range.count)]
        }
    }

    /// Whether the context's head, followed by a newline and the user's head when given, holds a
    /// diagram marker in any ASCII case. Lowered in a copy on the stack.
    static func asksForDiagram(_ context: UnsafeBufferPointer<UInt8>, then user: UnsafeBufferPointer<UInt8>?) -> Bool {
        let count = context.count + (user.map { 1 + $0.count } ?? 0)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer in
            var filled = buffer.initialize(fromContentsOf: context)
            if let user {
                buffer[filled] = 0x0A
                filled += 1
                filled += UnsafeMutableBufferPointer(rebasing: buffer[filled...]).initialize(fromContentsOf: user)
            }
            // Without a branch, so the loop vectorizes: A-Z are the bytes with `byte - 0x41 < 26`.
            for index in 0..<filled {
                let byte = buffer[index]
                buffer[index] = byte | (byte &- 0x41 < 26 ? 0x20 : 0)
            }
            return holdsDiagramMarker(UnsafeBufferPointer(rebasing: buffer[..<filled]))
        }
    }

    static let diagramMarkers: [[UInt8]] = ["plantuml", "@startuml", "diagram", " uml", "sequence chart"].map { Array($0.utf8) }

    /// Whether lowercase bytes hold one of `diagramMarkers`. Three of them end in "uml": that is
    /// searched once and what comes before it checked, rather than three searches that each
    /// stop at every hit of their rarest letter ("p" is in every "api").
    static func holdsDiagramMarker(_ lowered: UnsafeBufferPointer<UInt8>) -> Bool {
        if otherMarkers.contains(where: { containsLowercased(lowered, $0.marker, anchor: $0.anchor) }) { return true }
        var start = 0
        while let found = firstIndex(of: uml.marker, anchor: uml.anchor, in: lowered, from: start) {
            for before in umlPrefixes where found >= before.count {
                if lowered[(found - before.count)..<found].elementsEqual(before) { return true }
            }
            start = found + 1
        }
        return false
    }

    private static let uml = (marker: Array("uml".utf8), anchor: rarestByteOffset(Array("uml".utf8)))
    /// What precedes "uml" in "plantuml", "@startuml" and " uml".
    private static let umlPrefixes = ["plant", "@start", " "].map { Array($0.utf8) }
    /// The markers that do not end in "uml", each with the offset of its rarest byte.
    private static let otherMarkers = ["diagram", "sequence chart"].map { (marker: Array($0.utf8), anchor: rarestByteOffset(Array($0.utf8))) }

    static func containsLowercased(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { containsLowercased($0, needle, anchor: rarestByteOffset(needle)) }
    }

    /// Whether `bytes` contain `needle`, searched from the needle's byte at `anchor`.
    static func containsLowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], anchor: Int) -> Bool {
        needle.isEmpty || firstIndex(of: needle, anchor: anchor, in: bytes, from: 0) != nil
    }

    /// Where `needle` (not empty) first occurs in `bytes` at or after `start`, searched from the
    /// needle's byte at `anchor`.
    static func firstIndex(of needle: [UInt8], anchor: Int, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        // memchr for the needle's rarest byte, memcmp for the whole: a generic slice scan with
        // `elementsEqual` at every candidate cost more than the rest of composing an answer, and
        // anchoring on the first byte stopped at every space (" uml") or every "s" ("sequence").
        return needle.withUnsafeBufferPointer { needle in
            guard let base = bytes.baseAddress, let wanted = needle.baseAddress else { return nil }
            var start = start  // where the next window may begin
            let last = bytes.count - needle.count
            while start <= last {
                guard let hit = memchr(base + start + anchor, Int32(wanted[anchor]), last - start + 1) else { return nil }
                let found = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) - anchor
                // The last bytes first, inline: most hits of a common letter end there.
                if base[found + needle.count - 1] == wanted[needle.count - 1], memcmp(base + found, wanted, needle.count) == 0 { return found }
                start = found + 1
            }
            return nil
        }
    }

    /// The offset of the byte of `needle` least frequent in English text (letters by their usual
    /// ranking, a space as the most frequent, anything else as rarer than any letter).
    static func rarestByteOffset(_ needle: [UInt8]) -> Int {
        func rank(_ byte: UInt8) -> Int {
            if byte == 0x20 { return -1 }
            return letterFrequency.firstIndex(of: byte) ?? letterFrequency.count
        }
        var best = 0
        for index in needle.indices where rank(needle[index]) > rank(needle[best]) { best = index }
        return best
    }

    private static let letterFrequency = Array("etaoinshrdlcumwfgypbvkjxqz".utf8)
}
