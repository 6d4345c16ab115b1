/// Why a payload or a template cannot become request lines; the description names the place.
public struct BuildError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case payload(path: String, problem: String)
        case template(file: String, line: Int?, problem: String)
        case file(path: String, problem: String)
    }

    private let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// A problem at a JSON path of the payload: `processes[2].id is missing`.
    public static func payload(_ path: String, _ problem: String) -> BuildError {
        BuildError(.payload(path: path, problem: problem))
    }

    /// A problem in a template: `prompts/tech.md line 4: unknown placeholder {{segmnt}}`.
    public static func template(_ file: String, line: Int?, _ problem: String) -> BuildError {
        BuildError(.template(file: file, line: line, problem: problem))
    }

    /// A file that cannot be read or written.
    public static func file(_ path: String, _ problem: String) -> BuildError {
        BuildError(.file(path: path, problem: problem))
    }

    /// The message, starting with the place.
    public var description: String {
        switch kind {
        case let .payload(path, problem):
            return path.isEmpty ? problem : "\(path) \(problem)"
        case let .template(file, line, problem):
            return line.map { "\(file) line \($0): \(problem)" } ?? "\(file): \(problem)"
        case let .file(path, problem):
            return "\(path): \(problem)"
        }
    }
}
