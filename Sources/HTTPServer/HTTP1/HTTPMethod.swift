/// A request method (RFC 9110 §9): one of the standard methods, or any other token a client sent.
///
/// Methods are case-sensitive: `get` is a valid token but not `GET`. A method the server has no route for
/// is a routing answer, not a parse error: on a known path it gets `405` with `Allow` (like `PATCH`), on an
/// unknown path `404`. Only unimplemented transfer codings are `501`.
public struct HTTPMethod: RawRepresentable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The method as it appears on the wire, e.g. `GET`.
    public let rawValue: String

    /// A method from its wire spelling; any token is a method (the parser checks the token syntax).
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Transfers a current representation of the target resource.
    public static let get = HTTPMethod(rawValue: "GET")
    /// Same as GET, but the response carries no content.
    public static let head = HTTPMethod(rawValue: "HEAD")
    /// Performs resource-specific processing on the request content.
    public static let post = HTTPMethod(rawValue: "POST")
    /// Replaces all current representations of the target resource.
    public static let put = HTTPMethod(rawValue: "PUT")
    /// Removes all current representations of the target resource.
    public static let delete = HTTPMethod(rawValue: "DELETE")
    /// Applies partial modifications to a resource (RFC 5789).
    public static let patch = HTTPMethod(rawValue: "PATCH")
    /// Describes the communication options for the target resource.
    public static let options = HTTPMethod(rawValue: "OPTIONS")
    /// Performs a message loop-back test.
    public static let trace = HTTPMethod(rawValue: "TRACE")
    /// Establishes a tunnel to the server identified by the target.
    public static let connect = HTTPMethod(rawValue: "CONNECT")

    /// The standard methods of RFC 9110 and RFC 5789.
    public static let allCases: [HTTPMethod] = [.get, .head, .post, .put, .delete, .patch, .options, .trace, .connect]

    /// The method as it appears on the wire, e.g. `GET`.
    public var description: String { rawValue }

    /// The method of its wire bytes (already checked to be a token); the standard ones without allocating.
    static func from(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPMethod {
        switch bytes.count {
        case 3:
            if HTTPSyntax.hasPrefix(bytes, "GET") { return .get }
            if HTTPSyntax.hasPrefix(bytes, "PUT") { return .put }
        case 4:
            if HTTPSyntax.hasPrefix(bytes, "POST") { return .post }
            if HTTPSyntax.hasPrefix(bytes, "HEAD") { return .head }
        case 5:
            if HTTPSyntax.hasPrefix(bytes, "PATCH") { return .patch }
            if HTTPSyntax.hasPrefix(bytes, "TRACE") { return .trace }
        case 6:
            if HTTPSyntax.hasPrefix(bytes, "DELETE") { return .delete }
        case 7:
            if HTTPSyntax.hasPrefix(bytes, "OPTIONS") { return .options }
            if HTTPSyntax.hasPrefix(bytes, "CONNECT") { return .connect }
        default:
            break
        }
        return HTTPMethod(rawValue: String(decoding: bytes, as: UTF8.self))
    }
}
