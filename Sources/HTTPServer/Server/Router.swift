/// A table of (method, path pattern) → handler.
///
/// Patterns are literal segments, `{name}` parameters and an optional final `{name...}` that takes the
/// rest of the path (`/batches/{id}/files/{path...}`). Segments are matched after percent-decoding, one by
/// one, so `%2F` inside a segment never creates a new one. HEAD is served by the GET route; a path that
/// exists with other methods gets 405 with `Allow`; OPTIONS on a known path answers 204 with `Allow`.
///
/// A literal segment beats a parameter: `/batches/run-file` is the `/batches/run-file` route's path only, not
/// also `/batches/{batch_id}` with the id `run-file`, so `GET /batches/run-file` is a 405 with `Allow: POST`
/// (the pattern of a path is the most literal one that matches it, compared segment by segment).
public struct Router: Sendable {
    /// One registered route.
    public struct Route: Sendable {
        /// The method it answers.
        public let method: HTTPMethod
        /// The pattern as written.
        public let pattern: String
        /// The largest request body it accepts; nil for the server's default.
        public let maxBodyBytes: Int?
        /// The handler.
        public let handler: any HTTPHandler
        let segments: [Segment]
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest(String)
    }

    /// What a lookup found.
    public enum Match: Sendable {
        /// A route and the values of its parameters.
        case found(Route, parameters: [String: String])
        /// The path exists, but not for this method.
        case methodNotAllowed(allowed: [HTTPMethod])
        /// No route has this path.
        case notFound
    }

    private(set) var routes: [Route] = []

    /// An empty router.
    public init() {}

    /// Adds a route. Patterns start with `/`; `{name...}` may only be the last segment.
    public mutating func add(
        _ method: HTTPMethod,
        _ pattern: String,
        maxBodyBytes: Int? = nil,
        handler: some HTTPHandler
    ) {
        let segments = Self.parse(pattern)
        routes.append(Route(method: method, pattern: pattern, maxBodyBytes: maxBodyBytes, handler: handler, segments: segments))
    }

    /// Adds a route answered by a closure.
    public mutating func add(
        _ method: HTTPMethod,
        _ pattern: String,
        maxBodyBytes: Int? = nil,
        _ closure: @escaping @Sendable (Request) async throws -> Response
    ) {
        add(method, pattern, maxBodyBytes: maxBodyBytes, handler: ClosureHandler(closure))
    }

    /// Finds the route for a method and decoded path segments.
    public func match(_ method: HTTPMethod, segments: [String]) -> Match {
        var allowed: [HTTPMethod] = []
        let lookup = method == .head ? HTTPMethod.get : method
        var fallback: Match?
        let candidates = routes.compactMap { route in Self.match(route.segments, segments).map { (route, $0) } }
        guard let best = candidates.map({ Self.shape($0.0.segments) }).min(by: Self.moreLiteral) else { return .notFound }
        for (route, parameters) in candidates where Self.shape(route.segments) == best {
            if route.method == method {
                return .found(route, parameters: parameters)
            }
            if route.method == lookup, fallback == nil {
                fallback = .found(route, parameters: parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if let fallback { return fallback }
        if allowed.isEmpty { return .notFound }
        if allowed.contains(.get), !allowed.contains(.head) { allowed.append(.head) }
        return .methodNotAllowed(allowed: allowed)
    }

    /// A pattern's kind of segment, one by one: 0 literal, 1 parameter, 2 rest.
    static func shape(_ segments: [Segment]) -> [Int] {
        segments.map { segment in
            switch segment {
            case .literal: 0
            case .parameter: 1
            case .rest: 2
            }
        }
    }

    /// Whether shape `a` is more literal than `b` at their first difference (a longer exact match wins a tie).
    static func moreLiteral(_ a: [Int], _ b: [Int]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return x < y }
        return a.count > b.count
    }

    static func parse(_ pattern: String) -> [Segment] {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        return parts.enumerated().map { index, part in
            guard part.hasPrefix("{"), part.hasSuffix("}") else { return .literal(part) }
            let name = String(part.dropFirst().dropLast())
            if name.hasSuffix("...") {
                precondition(index == parts.count - 1, "\(pattern): {name...} must be the last segment")
                return .rest(String(name.dropLast(3)))
            }
            return .parameter(name)
        }
    }

    static func match(_ pattern: [Segment], _ path: [String]) -> [String: String]? {
        var parameters: [String: String] = [:]
        for (index, segment) in pattern.enumerated() {
            switch segment {
            case .literal(let literal):
                guard index < path.count, path[index] == literal else { return nil }
            case .parameter(let name):
                guard index < path.count else { return nil }
                parameters[name] = path[index]
            case .rest(let name):
                guard index < path.count else { return nil }
                parameters[name] = path[index...].joined(separator: "/")
                return parameters
            }
        }
        return pattern.count == path.count ? parameters : nil
    }
}
