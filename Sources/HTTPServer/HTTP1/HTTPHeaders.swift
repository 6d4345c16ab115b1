/// Ordered header fields; lookups are case-insensitive on the name.
///
/// Names and values are kept exactly as received (values trimmed of surrounding whitespace), in
/// order, duplicates included.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, Equatable, CustomStringConvertible {
    /// One field: its name as sent and its value.
    public typealias Element = (name: String, value: String)

    private var fields: [Element]

    /// Creates an empty set of fields.
    public init() {
        fields = []
    }

    /// Creates fields from `(name, value)` pairs, in order.
    public init(_ elements: [(String, String)]) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// Creates fields from a literal, in source order.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// Reserves room for `capacity` fields.
    public mutating func reserveCapacity(_ capacity: Int) {
        fields.reserveCapacity(capacity)
    }

    /// The value of the first field named `name`, if any.
    public subscript(name: String) -> String? {
        for field in fields where HTTPSyntax.equalsIgnoringCase(field.name, name) {
            return field.value
        }
        return nil
    }

    /// The values of every field named `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.compactMap { HTTPSyntax.equalsIgnoringCase($0.name, name) ? $0.value : nil }
    }

    /// True when at least one field is named `name`.
    public func contains(_ name: String) -> Bool {
        fields.contains { HTTPSyntax.equalsIgnoringCase($0.name, name) }
    }

    /// True when `token` is an element of the comma-separated list in any field named `name`,
    /// compared case-insensitively (`Connection: keep-alive, Upgrade`).
    public func containsToken(_ token: String, in name: String) -> Bool {
        for field in fields where HTTPSyntax.equalsIgnoringCase(field.name, name) {
            var value = field.value
            let found = value.withUTF8 { bytes in
                var found = false
                HTTPSyntax.forEachListElement(bytes) { element in
                    found = HTTPSyntax.equalsIgnoringCase(element, token.utf8)
                    return !found
                }
                return found
            }
            if found { return true }
        }
        return false
    }

    /// Appends a field, keeping any existing ones with the same name.
    public mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces the first field named `name` and removes the others, or appends it when absent.
    public mutating func replaceOrAdd(name: String, value: String) {
        guard let first = fields.firstIndex(where: { HTTPSyntax.equalsIgnoringCase($0.name, name) }) else {
            fields.append((name: name, value: value))
            return
        }
        fields[first] = (name: name, value: value)
        var index = first + 1
        while index < fields.count {
            if HTTPSyntax.equalsIgnoringCase(fields[index].name, name) {
                fields.remove(at: index)
            } else {
                index += 1
            }
        }
    }

    /// Removes every field named `name`.
    public mutating func remove(name: String) {
        fields.removeAll { HTTPSyntax.equalsIgnoringCase($0.name, name) }
    }

    /// The number of fields, duplicates included.
    public var count: Int { fields.count }

    /// True when there are no fields.
    public var isEmpty: Bool { fields.isEmpty }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Element]> {
        fields.makeIterator()
    }

    /// Fields are equal when they have the same names (exactly) and values in the same order.
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// `name: value` lines, for debugging.
    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }
}
