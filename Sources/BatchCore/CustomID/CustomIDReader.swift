import JSON

/// Picks the top-level `custom_id` out of one JSON line (a request line of `input.jsonl`, a result line
/// of `output.jsonl` / `errors.jsonl`) without building the rest of the object.
///
/// Accounting for 50,000 ids reads three files of up to 200 MB each; decoding every line would build
/// every prompt and answer only to drop them. This walks the object's members with `JSONScanner`, passes
/// over the values before the id (checking them), and stops at the id: `custom_id` comes first or second
/// on the lines the API and our builder write, so the prompt or answer after it is never looked at.
/// Anything it cannot follow answers `nil`.
public enum CustomIDReader {
    /// The `custom_id` string of the line's top-level object, or nil.
    public static func customID(in line: UnsafeRawBufferPointer) -> String? {
        var scanner = JSONScanner(line.bindMemory(to: UInt8.self))
        return try? customID(&scanner)
    }

    private static func customID(_ scanner: inout JSONScanner) throws(JSONScanner.Failure) -> String? {
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else { return nil }
        scanner.index += 1
        while true {
            scanner.skipWhitespace()
            guard scanner.peek() == UInt8(ascii: "\"") else { return nil }
            let key = try scanner.readString()
            scanner.skipWhitespace()
            guard scanner.peek() == UInt8(ascii: ":") else { return nil }
            scanner.index += 1
            scanner.skipWhitespace()
            if key == "custom_id" {
                return scanner.peek() == UInt8(ascii: "\"") ? try scanner.readString() : nil
            }
            _ = try scanner.skipValue(depth: 1)
            scanner.skipWhitespace()
            guard scanner.peek() == UInt8(ascii: ",") else { return nil }
            scanner.index += 1
        }
    }
}
