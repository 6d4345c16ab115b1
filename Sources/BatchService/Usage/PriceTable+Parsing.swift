#if canImport(Glibc)
import Glibc
#endif
import JSON
import SystemIO

/// Why a price table was refused: the file and what is wrong with it, e.g.
/// `prices.json: models.gpt-4o.input must be a number of USD per 1M tokens, 0 or more (found a string)`.
public struct PriceTableError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or its origin) the table came from.
    public let origin: String
    /// What is wrong, in words.
    public let problem: String

    /// The origin and the problem.
    public var description: String { "\(origin): \(problem)" }
}

extension PriceTable {
    /// Members of the file's top level; `note` and `unit` are for people.
    static let topMembers: Set<String> = ["source", "as_of", "unit", "note", "models"]
    /// Members of a model's entry.
    static let priceMembers: Set<String> = ["input", "cached_input", "output"]

    /// Reads the table `path` names (`BATCH_OPENAI_PRICES`): the same format as the committed one. Blocking
    /// (a small file read once at start).
    public static func load(path: String) throws(PriceTableError) -> PriceTable {
        let bytes: [UInt8]
        do {
            let fd = try SystemCall.call("open", path: path) { open(path, O_RDONLY | O_CLOEXEC) }
            defer { close(fd) }
            bytes = try SystemCall.readAll(fd, path: path)
        } catch {
            throw PriceTableError(origin: path, problem: "cannot be read (\(error))")
        }
        return try PriceTable(parsing: bytes, origin: path)
    }

    /// Parses a table: `source` and `as_of` strings, and `models`, an object of at least one model whose entry
    /// has `input` (a number), and `cached_input` and `output` (numbers, or `null`). Unknown members are
    /// refused, so a misspelt `cached` never silently prices cached tokens at the input rate.
    public init(parsing bytes: [UInt8], origin: String) throws(PriceTableError) {
        func fail(_ problem: String) -> PriceTableError { PriceTableError(origin: origin, problem: problem) }
        let document: JSONValue
        do {
            document = try JSONValue(parsing: bytes)
        } catch {
            throw fail("not valid JSON (\(error))")
        }
        guard let top = document.objectValue else { throw fail("expected a JSON object, found \(document.kindName)") }
        if let unknown = top.keys.filter({ !Self.topMembers.contains($0) }).sorted().first {
            throw fail("unknown member '\(unknown)' (expected \(Self.topMembers.sorted().joined(separator: ", ")))")
        }
        guard let source = top["source"]?.stringValue, !source.isEmpty else { throw fail("'source' must name the pricing page the prices come from") }
        guard let asOf = top["as_of"]?.stringValue, !asOf.isEmpty else { throw fail("'as_of' must give the date the prices were taken (YYYY-MM-DD)") }
        guard let entries = top["models"]?.objectValue, !entries.isEmpty else { throw fail("'models' must be an object with at least one model") }
        var models: [String: ModelPrice] = [:]
        for (model, entry) in entries {
            guard let fields = entry.objectValue else { throw fail("models.\(model) must be an object, found \(entry.kindName)") }
            if let unknown = fields.keys.filter({ !Self.priceMembers.contains($0) }).sorted().first {
                throw fail("models.\(model) has an unknown member '\(unknown)' (expected input, cached_input, output)")
            }
            func rate(_ name: String, optional: Bool) throws(PriceTableError) -> Double? {
                let value = fields[name] ?? .null
                if value.isNull, optional { return nil }
                guard let number = value.numberValue, number.isFinite, number >= 0 else {
                    throw fail("models.\(model).\(name) must be a number of USD per 1M tokens, 0 or more"
                        + (optional ? ", or null" : "") + " (found \(value.kindName))")
                }
                return number
            }
            models[model] = ModelPrice(
                input: try rate("input", optional: false) ?? 0,
                cachedInput: try rate("cached_input", optional: true),
                output: try rate("output", optional: true)
            )
        }
        self.init(source: source, asOf: asOf, models: models)
    }
}
