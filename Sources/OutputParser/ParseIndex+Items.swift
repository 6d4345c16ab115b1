import JSON
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

// Reading `index.json` item by item with the scanner: only the few strings of each item are kept (a 50,000-item
// index as a `JSONValue` tree, or decoded whole, would cost several times its size).
extension ParseIndex {
    /// Calls `body` with each item of the index at `path`, in file order; false when the file is missing or
    /// unreadable (items met before a syntax error were given). The parser (a run limited by `only`) and a
    /// job's `index.json` read earlier indexes this way.
    @discardableResult
    public static func forEachItem(inIndexAt path: String, _ body: (Item) -> Void) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard let bytes = try? SystemCall.readAll(fd, path: path) else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            scanner.skipWhitespace()
            guard scanner.peek() == UInt8(ascii: "{") else { return false }
            do throws(JSONScanner.Failure) {
                try scanner.scanObject(depth: 0) { scanner, key throws(JSONScanner.Failure) in
                    guard key == "items", scanner.peek() == UInt8(ascii: "[") else {
                        _ = try scanner.skipValue(depth: 1)
                        return
                    }
                    try scanner.scanArray(depth: 1) { scanner throws(JSONScanner.Failure) in
                        if let item = try Self.item(&scanner) { body(item) }
                    }
                }
                return true
            } catch {
                return false
            }
        }
    }

    /// One item object at the cursor, or nil when it is not one this parser wrote.
    private static func item(_ scanner: inout JSONScanner) throws(JSONScanner.Failure) -> ParseIndex.Item? {
        guard scanner.peek() == UInt8(ascii: "{") else {
            _ = try scanner.skipValue(depth: 2)
            return nil
        }
        var customID: String?
        var file: String?
        var status: ParseIndex.Status?
        var error: ParseIndex.ItemError?
        var source: String?
        try scanner.scanObject(depth: 2) { scanner, key throws(JSONScanner.Failure) in
            switch key {
            case "custom_id": customID = try string(&scanner)
            case "file": file = try string(&scanner)
            case "status": status = try string(&scanner).flatMap(ParseIndex.Status.init(rawValue:))
            case "source": source = try string(&scanner)
            case "error" where scanner.peek() == UInt8(ascii: "{"):
                var code = "error", message = ""
                try scanner.scanObject(depth: 3) { scanner, key throws(JSONScanner.Failure) in
                    switch key {
                    case "code": code = try string(&scanner) ?? code
                    case "message": message = try string(&scanner) ?? message
                    default: _ = try scanner.skipValue(depth: 4)
                    }
                }
                error = ParseIndex.ItemError(code: code, message: message)
            default: _ = try scanner.skipValue(depth: 3)
            }
        }
        guard let status else { return nil }
        return ParseIndex.Item(customID: customID, file: file, status: status, error: error, source: source)
    }

    /// A string value, or nil for any other value (which is skipped).
    private static func string(_ scanner: inout JSONScanner) throws(JSONScanner.Failure) -> String? {
        if scanner.peek() == UInt8(ascii: "\"") { return try scanner.readString() }
        _ = try scanner.skipValue(depth: 3)
        return nil
    }
}
