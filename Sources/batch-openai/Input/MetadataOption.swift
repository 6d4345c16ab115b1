import ArgumentParser

/// `--metadata key=value` (repeatable) as the Batch API takes it: at most 16 pairs, keys up to 64
/// characters, values up to 512. A malformed pair is a usage error naming it.
enum MetadataOption {
    /// The pairs as a dictionary; `nil` when none were given.
    static func parse(_ pairs: [String]) throws -> [String: String]? {
        guard !pairs.isEmpty else { return nil }
        var metadata: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("--metadata '\(pair)': expected key=value, e.g. --metadata project=billing")
            }
            let key = String(pair[..<equals])
            let value = String(pair[pair.index(after: equals)...])
            guard key.count <= 64 else { throw ValidationError("--metadata '\(key)': keys are at most 64 characters") }
            guard value.count <= 512 else { throw ValidationError("--metadata \(key): values are at most 512 characters") }
            guard metadata.updateValue(value, forKey: key) == nil else {
                throw ValidationError("--metadata \(key) is given twice")
            }
        }
        guard metadata.count <= 16 else {
            throw ValidationError("--metadata: at most 16 pairs (got \(metadata.count))")
        }
        return metadata
    }
}
