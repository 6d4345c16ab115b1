import BatchService
import Foundation
import JSON

// Request bodies are read as OpenAIClient's `JSONValue` (one JSON value type in the project), so that
// fields can be checked with the tolerance FastAPI shows (a number given as a numeric string, a boolean
// as `"true"`). These are the two things the REST layer adds to it.
extension JSONValue {
    /// The JSON type's name, for messages (`a string`, `an object` …).
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Compact JSON text with sorted keys (for a request line given inline).
    func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
