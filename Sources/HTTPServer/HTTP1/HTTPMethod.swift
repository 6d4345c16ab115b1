/// A request method this server understands (RFC 9110 §9).
///
/// Methods are case-sensitive: `get` is a valid token but not a known method, and is answered with
/// `501 Not Implemented` by ``RequestParser``.
public enum HTTPMethod: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Transfers a current representation of the target resource.
    case get = "GET"
    /// Same as GET, but the response carries no content.
    case head = "HEAD"
    /// Performs resource-specific processing on the request content.
    case post = "POST"
    /// Replaces all current representations of the target resource.
    case put = "PUT"
    /// Removes all current representations of the target resource.
    case delete = "DELETE"
    /// Applies partial modifications to a resource (RFC 5789).
    case patch = "PATCH"
    /// Describes the communication options for the target resource.
    case options = "OPTIONS"
    /// Performs a message loop-back test.
    case trace = "TRACE"
    /// Establishes a tunnel to the server identified by the target.
    case connect = "CONNECT"

    /// The method as it appears on the wire, e.g. `GET`.
    public var description: String { rawValue }

    /// Looks a method up from its wire bytes without allocating.
    static func from(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPMethod? {
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
        return nil
    }
}
