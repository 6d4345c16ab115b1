import BatchService
import Foundation
import JSON

/// Reads the members of a JSON object body (or the fields of a form) with clear 400s: each accessor names
/// the field and what it expected. A member the body does not define is refused (`rejectUnknown`): a typo
/// or a member of another route (`poll_interval` sent to submit) silently dropped would do what was not asked.
struct FieldReader: Sendable {
    private let fields: [String: JSONValue]

    /// Fields from a decoded object.
    init(_ fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// Fields of a multipart form: every value is text, which the accessors already accept.
    init(form: [(name: String, value: String)]) {
        var fields: [String: JSONValue] = [:]
        for (name, value) in form where fields[name] == nil { fields[name] = .string(value) }
        self.fields = fields
    }

    /// Decodes a body that must be a JSON object; an empty body is an empty object when `emptyIsObject`.
    /// `expected` names the members, for the message when the body is not what was expected.
    static func decode(_ bytes: [UInt8], expected: String, emptyIsObject: Bool) throws(APIProblem) -> FieldReader {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            guard emptyIsObject else {
                throw .badRequest("The request body is empty; expected a JSON object with \(expected).")
            }
            return FieldReader([:])
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw .badRequest("The request body is not valid JSON (\(error)); expected a JSON object with \(expected).")
        }
        guard case .object(let fields) = value else {
            throw .badRequest("The request body is \(value.kindName); expected a JSON object with \(expected).")
        }
        return FieldReader(fields)
    }

    /// Refuses the first member (in name order) that is not in `allowed`, naming it; `expected` lists the members.
    /// A member given as `null` is refused too: the schema gives every member a type, and "null" for "not given"
    /// would make `{"input_path": null, "spec": "..."}` valid here while the document says it is not.
    func rejectUnknown(_ allowed: Set<String>, expected: String) throws(APIProblem) {
        if let name = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .badRequest("'\(Self.shown(name))' is not a member of this body; expected \(expected).", param: Self.shown(name))
        }
        if let name = fields.keys.sorted().first(where: { fields[$0] == .null }) {
            throw .badRequest("'\(name)' is null; leave the member out to take its default.", param: name)
        }
    }

    /// Whether the member is present and not null.
    func has(_ name: String) -> Bool {
        guard let value = fields[name] else { return false }
        return value != .null
    }

    /// A string member; numbers are not strings here (a name or a path given as a number is a mistake).
    func string(_ name: String) throws(APIProblem) -> String? {
        switch fields[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        case let other?: throw mismatch(name, other, "a string")
        }
    }

    /// A number, or a string that spells one (`"5"`, as a form sends it).
    func number(_ name: String) throws(APIProblem) -> Double? {
        switch fields[name] {
        case nil, .null?: return nil
        case .number(let value)?: return value
        case .string(let text)?:
            let trimmed = text.trimmingCharacters(in: Self.blanks)
            // Digits with an optional fraction, as the OpenAPI document's pattern says (no sign, exponent or `inf`).
            guard Self.isPlainDecimal(trimmed), let value = Double(trimmed), value.isFinite else {
                throw .badRequest("'\(name)' is \"\(Self.shown(text))\"; expected a number.", param: name)
            }
            return value
        case let other?: throw mismatch(name, other, "a number")
        }
    }

    /// A whole number, or a string that spells one.
    func integer(_ name: String) throws(APIProblem) -> Int? {
        guard let value = try number(name) else { return nil }
        guard value.rounded() == value, abs(value) < 1e15 else {
            throw .badRequest("'\(name)' is \(value); expected a whole number.", param: name)
        }
        return Int(value)
    }

    /// A boolean, or the strings `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`, as FastAPI reads forms).
    func bool(_ name: String) throws(APIProblem) -> Bool? {
        switch fields[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case .number(let value)? where value == 0 || value == 1: return value == 1
        case .string(let text)?:
            switch text.trimmingCharacters(in: Self.blanks).lowercased() {
            case "true", "1", "yes", "on": return true
            case "false", "0", "no", "off": return false
            default: throw .badRequest("'\(name)' is \"\(Self.shown(text))\"; expected true or false.", param: name)
            }
        case let other?: throw mismatch(name, other, "true or false")
        }
    }

    /// An array of strings.
    func strings(_ name: String) throws(APIProblem) -> [String]? {
        switch fields[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            var result: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let value) = item else {
                    throw .badRequest("'\(name)[\(index)]' is \(item.kindName); expected a string.", param: name)
                }
                result.append(value)
            }
            return result
        case .string(let value)?: return [value]  // a form field with a single id
        case let other?: throw mismatch(name, other, "an array of strings")
        }
    }

    /// An object whose values are strings (numbers and booleans are written as text, as metadata is text).
    func stringMap(_ name: String) throws(APIProblem) -> [String: String]? {
        switch fields[name] {
        case nil, .null?: return nil
        case .object(let members)?:
            var result: [String: String] = [:]
            for (key, value) in members {
                switch value {
                case .string(let text): result[key] = text
                case .number, .bool: result[key] = try? value.jsonText()
                default: throw .badRequest("'\(name).\(key)' is \(value.kindName); expected a string.", param: name)
                }
            }
            return result
        case let other?: throw mismatch(name, other, "an object of strings")
        }
    }

    /// An array of objects, each re-encoded as one line of JSON text.
    func objectLines(_ name: String) throws(APIProblem) -> [String]? {
        switch fields[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            var lines: [String] = []
            lines.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                guard case .object = item else {
                    throw .badRequest("'\(name)[\(index)]' is \(item.kindName); expected a request line object "
                        + "({\"custom_id\", \"method\", \"url\", \"body\"}).", param: name)
                }
                do { lines.append(try item.jsonText()) } catch {
                    throw .badRequest("'\(name)[\(index)]' cannot be written as JSON.", param: name)
                }
            }
            return lines
        case let other?: throw mismatch(name, other, "an array of request line objects")
        }
    }

    private func mismatch(_ name: String, _ value: JSONValue, _ expected: String) -> APIProblem {
        .badRequest("'\(name)' is \(value.kindName); expected \(expected).", param: name)
    }

    /// What is trimmed around a number or a flag given as text (the OpenAPI patterns' `[ \t]*`).
    static let blanks = CharacterSet(charactersIn: " \t")

    /// `[0-9]+(\.[0-9]+)?`.
    static func isPlainDecimal(_ text: String) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        let digits = { (part: Substring.UTF8View.SubSequence) in !part.isEmpty && part.allSatisfy { (0x30...0x39).contains($0) } }
        return parts.allSatisfy { digits($0) }
    }

    private static func shown(_ text: String) -> String {
        text.count > 40 ? String(text.prefix(37)) + "..." : text
    }
}
