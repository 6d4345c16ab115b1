import Foundation

/// `--json` output: one JSON document on stdout, keys sorted, pretty only when a person reads it.
enum JSONOutput {
    /// Encodes `value` and prints it.
    static func print<Value: Encodable>(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = Console.stdoutIsTerminal
            ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            : [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw CommandFailure("cannot encode the result as JSON: \(error)")
        }
        Console.out(String(decoding: data, as: UTF8.self))
    }
}
