import CLinux

#if canImport(Glibc)
import Glibc
#endif

/// A numeric IPv4 or IPv6 address and a TCP port.
///
/// Only numeric hosts (and `localhost`) are accepted: a server binds to an address it was told,
/// and name resolution would be a blocking call on the concurrency pool.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host in its canonical numeric form (`127.0.0.1`, `::1`), without brackets.
    public let host: String
    /// The TCP port; 0 asks `bind` for an ephemeral port.
    public let port: UInt16
    /// Whether `host` is an IPv6 address.
    public let isIPv6: Bool

    /// Parses a numeric IPv4 (`127.0.0.1`) or IPv6 (`::1`, `[::1]`) host, or `localhost`
    /// (which means `127.0.0.1`); throws `TransportError.invalidAddress` for anything else.
    public init(host: String, port: UInt16) throws {
        var text = host
        if text == "localhost" {
            text = "127.0.0.1"
        }
        var isBracketed = false
        if text.hasPrefix("[") && text.hasSuffix("]") && text.count >= 2 {
            text = String(text.dropFirst().dropLast())
            isBracketed = true
        }
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        if !isBracketed, inet_pton(AF_INET, text, &ipv4) == 1 {
            self.host = Self.format(ipv4)
            self.isIPv6 = false
        } else if inet_pton(AF_INET6, text, &ipv6) == 1 {
            self.host = Self.format(ipv6)
            self.isIPv6 = true
        } else {
            throw TransportError.invalidAddress(host)
        }
        self.port = port
    }

    /// `127.0.0.1:8000` or `[::1]:8000`.
    public var description: String {
        isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Reads an address filled in by `accept4`, `getsockname` or `getpeername`; nil for a
    /// family other than IPv4 or IPv6.
    init?(_ storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) }
            host = Self.format(address.sin_addr)
            port = UInt16(bigEndian: address.sin_port)
            isIPv6 = false
        case AF_INET6:
            let address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) }
            host = Self.format(address.sin6_addr)
            port = UInt16(bigEndian: address.sin6_port)
            isIPv6 = true
        default:
            return nil
        }
    }

    /// The protocol family for `socket(2)`.
    var family: Int32 {
        isIPv6 ? AF_INET6 : AF_INET
    }

    /// Calls `body` with this address as a `sockaddr` and its length, for `bind` and `connect`.
    func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Result) rethrows -> Result {
        // `host` was produced by inet_ntop, so inet_pton cannot fail here.
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            _ = inet_pton(AF_INET6, host, &address.sin6_addr)
            return try withUnsafePointer(to: &address) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            _ = inet_pton(AF_INET, host, &address.sin_addr)
            return try withUnsafePointer(to: &address) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// Calls `getsockname` or `getpeername` on `fd`.
    static func query(
        _ fd: Int32,
        _ call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
    ) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(fd, $0, &length) }
        }
        return result == 0 ? SocketAddress(storage) : nil
    }

    private static func format(_ address: in_addr) -> String {
        var address = address
        var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        _ = inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func format(_ address: in6_addr) -> String {
        var address = address
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
