import ArgumentParser

/// The check every `--id` gets before a request is made: non-empty, one path segment, printable.
/// The backend decides whether the id exists (404 otherwise).
enum BatchIDOption {
    /// Throws a usage error naming the option when `id` cannot be a batch id.
    static func check(_ id: String, option: String = "--id") throws {
        guard !id.isEmpty else { throw ValidationError("\(option): expected a batch id such as batch_abc123, got an empty string") }
        guard id.count <= 256, !id.contains("/"), !id.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true }) else {
            throw ValidationError("\(option) '\(id.prefix(80))': expected a batch id such as batch_abc123 (no slashes or spaces)")
        }
    }
}
