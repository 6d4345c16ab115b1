import JSON
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// The items an earlier run left in `index.json`, by `custom_id`, so that a run limited by `only` keeps
/// the entries of the results it does not touch as they were.
///
/// Read with the scanner member by member: only the few strings of each item are kept (a 50,000-item
/// index as a `JSONValue` tree would cost several times its size). A missing or unreadable index gives
/// no entries: the run then describes the others from the result files and `docs/` alone.
struct PreviousEntries {
    private var byID: [String: [ParseIndex.Item]] = [:]

    /// No earlier entries.
    init() {}

    /// The entries of the index at `path`.
    init(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        guard let bytes = try? SystemCall.readAll(fd, path: path) else { return }
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            scanner.skipWhitespace()
            guard scanner.peek() == UInt8(ascii: "{") else { return }
            try? scanner.scanObject(depth: 0) { scanner, key throws(JSONScanner.Failure) in
                guard key == "items", scanner.peek() == UInt8(ascii: "[") else {
                    _ = try scanner.skipValue(depth: 1)
                    return
                }
                try scanner.scanArray(depth: 1) { scanner throws(JSONScanner.Failure) in
                    guard let item = try Self.item(&scanner), let id = item.customID else { return }
                    byID[id, default: []].append(item)
                }
            }
        }
    }

    /// The earlier entry of `id` for `file` (ids may repeat; each of their documents has its own file).
    func entry(for id: String, file: String?) -> ParseIndex.Item? {
        byID[id]?.first { $0.file == file }
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
