/// Why the upstream could not be used.
struct UpstreamError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
