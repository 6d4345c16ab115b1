/// A fault for a number of upcoming requests, optionally only those of one method and path prefix.
public struct ScheduledFault: Sendable, Equatable {
    /// The fault.
    public var fault: Fault
    /// How many matching requests get it.
    public var count: Int
    /// Only requests with this method (`POST`), when set.
    public var method: String?
    /// Only requests whose path starts with this (`/v1/batches`), when set.
    public var pathPrefix: String?

    /// Creates a scheduled fault.
    public init(_ fault: Fault, count: Int = 1, method: String? = nil, pathPrefix: String? = nil) {
        self.fault = fault
        self.count = count
        self.method = method
        self.pathPrefix = pathPrefix
    }

    /// Whether a request matches.
    func matches(method: String, path: String) -> Bool {
        (self.method.map { $0.uppercased() == method } ?? true) && (pathPrefix.map { path.hasPrefix($0) } ?? true)
    }

    /// Parses `FAULT[xN][@METHOD /path]`, e.g. `503x3`, `drop@POST /v1/batches`, `429:2x2`.
    public init?(parsing text: String) {
        var spec = Substring(text)
        var method: String?
        var prefix: String?
        if let at = spec.firstIndex(of: "@") {
            let target = spec[spec.index(after: at)...].split(separator: " ", maxSplits: 1).map(String.init)
            if target.count == 2 {
                method = target[0]
                prefix = target[1]
            } else if let only = target.first {
                if only.hasPrefix("/") { prefix = only } else { method = only }
            }
            spec = spec[..<at]
        }
        var count = 1
        if let x = spec.lastIndex(of: "x"), let n = Int(spec[spec.index(after: x)...]) {
            count = n
            spec = spec[..<x]
        }
        guard let fault = Fault(parsing: String(spec)), count > 0 else { return nil }
        self.init(fault, count: count, method: method, pathPrefix: prefix)
    }
}
