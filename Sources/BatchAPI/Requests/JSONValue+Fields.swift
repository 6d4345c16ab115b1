import BatchService
import Foundation
import JSON

// Request bodies are read as the JSON layer's `JSONValue` (one JSON value type in the project), so that
// fields can be checked with the tolerance FastAPI shows (a number given as a numeric string, a boolean
// as `"true"`). This is what the REST layer adds to it.
extension JSONValue {
    /// Compact JSON text with sorted keys (for a request line given inline).
    func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
