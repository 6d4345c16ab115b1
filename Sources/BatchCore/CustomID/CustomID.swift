/// A request's `custom_id`, recognised as one of the three schemes of docs/ARCHITECTURE.md § custom_id and documents.
///
/// The id carries the context a result needs to become a document, so the parser and the
/// builder share this one definition of how ids are spelled.
public enum CustomID: Hashable, Sendable {
    /// `<class_path>.<method>.m3type_<type>`: one document per method and type.
    case method(classPath: String, method: String, type: String)
    /// `<proc>/<topic>/seg-<NNN>`: one segment of a process's context for one topic.
    case segment(process: String, topic: String, index: Int, digits: String)
    /// Any other id: one document named after the id.
    case other(String)

    /// The marker that separates a method id from its type.
    static let typeMarker = ".m3type_"

    /// Recognises the scheme of `raw`; anything that matches no scheme exactly is `.other`.
    public init(parsing raw: String) {
        if let parsed = Self.parseSegment(raw) ?? Self.parseMethod(raw) {
            self = parsed
        } else {
            self = .other(raw)
        }
    }

    /// The id spelled back; `CustomID(parsing: id.rawValue) == id` for every value.
    public var rawValue: String {
        switch self {
        case let .method(classPath, method, type):
            return "\(classPath).\(method)\(Self.typeMarker)\(type)"
        case let .segment(process, topic, _, digits):
            return "\(process)/\(topic)/seg-\(digits)"
        case let .other(raw):
            return raw
        }
    }

    /// Builds a method id; the caller guarantees the parts contain no scheme separators.
    public static func method(_ classPath: String, _ method: String, type: String) -> CustomID {
        .method(classPath: classPath, method: method, type: type)
    }

    /// Builds a segment id with a 1-based index padded to three digits (`seg-007`).
    public static func segment(_ process: String, _ topic: String, index: Int) -> CustomID {
        let digits = String(index)
        let padded = String(repeating: "0", count: max(0, 3 - digits.count)) + digits
        return .segment(process: process, topic: topic, index: index, digits: padded)
    }

    private static func parseSegment(_ raw: String) -> CustomID? {
        let parts = raw.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty, parts[2].hasPrefix("seg-") else {
            return nil
        }
        let digits = parts[2].dropFirst(4)
        // ASCII digits only: `Int("٣")` fails anyway, but `Character.isNumber` would accept it.
        guard !digits.isEmpty, digits.count <= 9, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let index = Int(digits)
        else { return nil }
        return .segment(process: String(parts[0]), topic: String(parts[1]), index: index, digits: String(digits))
    }

    private static func parseMethod(_ raw: String) -> CustomID? {
        guard let marker = lastRange(of: typeMarker, in: raw) else { return nil }
        let type = raw[marker.upperBound...]
        let head = raw[..<marker.lowerBound]
        guard !type.isEmpty, let dot = head.lastIndex(of: ".") else { return nil }
        let classPath = head[..<dot]
        let method = head[head.index(after: dot)...]
        guard !classPath.isEmpty, !method.isEmpty else { return nil }
        return .method(classPath: String(classPath), method: String(method), type: String(type))
    }
}

extension CustomID {
    /// The last occurrence of ASCII `needle` in `text`, searched on UTF-8 bytes (Foundation's
    /// `range(of:options:)` went through `NSString` and cost 3% of a parse run).
    static func lastRange(of needle: String, in text: String) -> Range<String.Index>? {
        let pattern = Array(needle.utf8)
        let utf8 = text.utf8
        guard utf8.count >= pattern.count else { return nil }
        var end = utf8.endIndex
        while let start = utf8.index(end, offsetBy: -pattern.count, limitedBy: utf8.startIndex) {
            if utf8[start..<end].elementsEqual(pattern) { return start..<end }
            end = utf8.index(before: end)
        }
        return nil
    }
}

extension CustomID: CustomStringConvertible {
    /// The raw id, as it appears in request and result lines.
    public var description: String { rawValue }
}
