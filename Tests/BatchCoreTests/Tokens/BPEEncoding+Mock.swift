@testable import BatchCore

extension BPEEncoding {
    /// A vocabulary of the 256 single bytes (ranks 0–255) and then `merges` in rank order: with no merges,
    /// a text has as many tokens as UTF-8 bytes, which makes the counts of the request rules easy to check.
    static func make(_ name: Name = .o200kBase, merges: [String] = []) throws -> BPEEncoding {
        try BPEEncoding(name: name, tiktoken: Array(tiktoken(merges: merges).utf8))
    }

    /// The `.tiktoken` text of that vocabulary.
    static func tiktoken(merges: [String] = []) -> String {
        var lines = (0...255).map { "\(base64([UInt8($0)])) \($0)" }
        for (offset, merge) in merges.enumerated() { lines.append("\(base64(Array(merge.utf8))) \(256 + offset)") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[(value >> (18 - 6 * position)) & 63] : "=")
            }
            index += 3
        }
        return out
    }
}
