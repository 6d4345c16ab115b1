import JSON

/// A successful result that is data, not text: the vectors of `/v1/embeddings` or the verdicts of
/// `/v1/moderations` (docs/ARCHITECTURE.md § Data results). It becomes one line of the batch's data
/// file, not a document.
///
/// The values are copied byte for byte from the result line (found with the scanner, never rebuilt):
/// a vector's floats keep the exact digits the API sent, and no `JSONValue` of 1,536 numbers is built
/// per line.
struct DataResult {
    /// Which data file a result goes to.
    enum Kind: String, CaseIterable {
        /// `embeddings.jsonl`: `{"custom_id", "model", "embedding"}` (or `"embeddings"` for several inputs).
        case embeddings
        /// `moderations.jsonl`: `{"custom_id", "model", "results"}`.
        case moderations

        /// The data file, relative to `docs/`.
        var file: String { rawValue + ".jsonl" }
    }

    /// The file it goes to.
    var kind: Kind
    /// Its line of that file, `\n` included.
    var line: [UInt8]

    /// The data result of a result line whose 2xx body has no text, or nil when the body is not an
    /// embedding list (`data: [{embedding}]`) or a moderation (`results: [...]`).
    init?(line bytes: UnsafeRawBufferPointer, customID: String) {
        var found: DataResult?
        var scanner = JSONScanner(bytes.bindMemory(to: UInt8.self))
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else { return nil }
        try? scanner.scanObject(depth: 0) { scanner, key throws(JSONScanner.Failure) in
            guard key == "response", scanner.peek() == UInt8(ascii: "{") else {
                _ = try scanner.skipValue(depth: 1)
                return
            }
            try scanner.scanObject(depth: 1) { scanner, key throws(JSONScanner.Failure) in
                guard key == "body" else {
                    _ = try scanner.skipValue(depth: 2)
                    return
                }
                if scanner.peek() == UInt8(ascii: "\"") {
                    // A body stored as a JSON string: its text is the object.
                    var text = try scanner.readString()
                    found = text.withUTF8 { body in
                        var inner = JSONScanner(body)
                        inner.skipWhitespace()
                        return try? Self.read(body: &inner, depth: 0, customID: customID)
                    }
                } else {
                    found = try Self.read(body: &scanner, depth: 2, customID: customID)
                }
            }
        }
        guard let found else { return nil }
        self = found
    }

    /// Reads a body object at the cursor (consuming it) and composes the data line.
    private static func read(body scanner: inout JSONScanner, depth: Int, customID: String) throws(JSONScanner.Failure) -> DataResult? {
        guard scanner.peek() == UInt8(ascii: "{") else {
            _ = try scanner.skipValue(depth: depth)
            return nil
        }
        var model: String?
        var vectors: [(index: Int, range: Range<Int>)] = []
        var results: Range<Int>?
        var hasText = false
        try scanner.scanObject(depth: depth) { scanner, key throws(JSONScanner.Failure) in
            switch key {
            case "model" where scanner.peek() == UInt8(ascii: "\""):
                model = try scanner.readString()
            case "data" where scanner.peek() == UInt8(ascii: "["):
                try scanner.scanArray(depth: depth + 1) { scanner throws(JSONScanner.Failure) in
                    if let vector = try embedding(&scanner, depth: depth + 2, fallbackIndex: vectors.count) { vectors.append(vector) }
                }
            case "results" where scanner.peek() == UInt8(ascii: "["):
                let start = scanner.index
                _ = try scanner.skipValue(depth: depth + 1)
                results = start..<scanner.index
            case "choices", "output", "output_text":
                hasText = true
                _ = try scanner.skipValue(depth: depth + 1)
            default:
                _ = try scanner.skipValue(depth: depth + 1)
            }
        }
        guard !hasText else { return nil }
        var writer = JSONWriter(capacity: 256)
        writer.append("{\"custom_id\":")
        writer.write(customID)
        writer.append(",\"model\":")
        if let model { writer.write(model) } else { writer.append("null") }
        let kind: Kind
        var line = writer.take()
        let bytes = scanner.bytes
        if !vectors.isEmpty {
            kind = .embeddings
            vectors.sort { $0.index < $1.index }
            if vectors.count == 1 {
                line.append(contentsOf: Array(",\"embedding\":".utf8))
                line.append(contentsOf: bytes[vectors[0].range])
            } else {
                line.append(contentsOf: Array(",\"embeddings\":[".utf8))
                for (offset, vector) in vectors.enumerated() {
                    if offset > 0 { line.append(UInt8(ascii: ",")) }
                    line.append(contentsOf: bytes[vector.range])
                }
                line.append(UInt8(ascii: "]"))
            }
        } else if let results {
            kind = .moderations
            line.append(contentsOf: Array(",\"results\":".utf8))
            line.append(contentsOf: bytes[results])
        } else {
            return nil
        }
        line.append(contentsOf: Array("}\n".utf8))
        return DataResult(kind: kind, line: line)
    }

    /// One `{"index", "embedding"}` element of `data` at the cursor: the vector's bytes (an array of
    /// numbers, or a base64 string with `encoding_format: base64`), or nil for anything else.
    private static func embedding(
        _ scanner: inout JSONScanner, depth: Int, fallbackIndex: Int
    ) throws(JSONScanner.Failure) -> (index: Int, range: Range<Int>)? {
        guard scanner.peek() == UInt8(ascii: "{") else {
            _ = try scanner.skipValue(depth: depth)
            return nil
        }
        var index = fallbackIndex
        var range: Range<Int>?
        try scanner.scanObject(depth: depth) { scanner, key throws(JSONScanner.Failure) in
            let start = scanner.index
            let kind = try scanner.skipValue(depth: depth + 1)
            switch (key, kind) {
            case ("embedding", .array), ("embedding", .string):
                range = start..<scanner.index
            case ("index", .number):
                index = Int(String(decoding: scanner.bytes[start..<scanner.index], as: UTF8.self)) ?? index
            default:
                break
            }
        }
        return range.map { (index, $0) }
    }

    private init(kind: Kind, line: [UInt8]) {
        self.kind = kind
        self.line = line
    }
}
