import Foundation
import JSON

// A tolerant reader: OpenAI-compatible servers (and OpenAI over time) send nulls for optional
// fields, numbers as strings and strings as numbers in minor fields. These helpers accept such
// variations where the meaning is kept and fail only when a required value is absent or unusable.
extension KeyedDecodingContainer {
    /// A string, accepting a number (written in decimal) or a Boolean in its place; `nil` when
    /// absent, `null` or of another shape.
    func tolerantString(_ key: Key) -> String? {
        guard contains(key), (try? decodeNil(forKey: key)) == false else { return nil }
        if let value = try? decode(String.self, forKey: key) { return value }
        if let value = try? decode(Int.self, forKey: key) { return String(value) }
        if let value = try? decode(Double.self, forKey: key) { return String(value) }
        if let value = try? decode(Bool.self, forKey: key) { return String(value) }
        return nil
    }

    /// A required string, with the same tolerance as `tolerantString`.
    func requiredString(_ key: Key) throws -> String {
        guard let value = tolerantString(key) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "required string \(key.stringValue) is missing")
            )
        }
        return value
    }

    /// An integer, accepting an integral floating-point number or a numeric string; `nil` when
    /// absent, `null` or unusable.
    func tolerantInt(_ key: Key) -> Int? {
        guard contains(key), (try? decodeNil(forKey: key)) == false else { return nil }
        if let value = try? decode(Int.self, forKey: key) { return value }
        if let value = try? decode(Double.self, forKey: key), value.isFinite, abs(value) < 9e15 {
            return Int(value)
        }
        if let text = try? decode(String.self, forKey: key) {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if let value = Int(trimmed) { return value }
            if let value = Double(trimmed), value.isFinite, abs(value) < 9e15 { return Int(value) }
        }
        return nil
    }

    /// A required integer, with the same tolerance as `tolerantInt`.
    func requiredInt(_ key: Key) throws -> Int {
        guard let value = tolerantInt(key) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "required integer \(key.stringValue) is missing")
            )
        }
        return value
    }

    /// A Boolean, accepting `"true"`/`"false"` and `0`/`1`; `nil` when absent or unusable.
    func tolerantBool(_ key: Key) -> Bool? {
        guard contains(key), (try? decodeNil(forKey: key)) == false else { return nil }
        if let value = try? decode(Bool.self, forKey: key) { return value }
        if let value = try? decode(Int.self, forKey: key) { return value != 0 }
        if let text = try? decode(String.self, forKey: key) {
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: return nil
            }
        }
        return nil
    }

    /// A nested value decoded with `T`'s own decoder; `nil` when absent, `null` or malformed, so an
    /// odd optional sub-object never makes the whole object unreadable.
    func tolerant<T: Decodable>(_ type: T.Type, _ key: Key) -> T? {
        guard contains(key), (try? decodeNil(forKey: key)) == false else { return nil }
        return try? decode(T.self, forKey: key)
    }

    /// A string-to-string map (metadata), accepting non-string scalar values by writing them out.
    func tolerantStringMap(_ key: Key) -> [String: String]? {
        guard let raw = tolerant([String: JSONValue].self, key) else { return nil }
        var result: [String: String] = [:]
        for (name, value) in raw {
            switch value {
            case .string(let text): result[name] = text
            case .number: result[name] = value.intValue.map(String.init) ?? (value.numberText ?? "")
            case .bool(let flag): result[name] = String(flag)
            case .null, .array, .object: continue
            }
        }
        return result
    }
}

extension JSONValue {
    /// A number written in decimal, or `nil` when this is not a number.
    var numberText: String? {
        if case .number(let value) = self { return String(value) }
        return nil
    }
}
