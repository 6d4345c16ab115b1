/// What the server answered: the final status, its headers and (unless downloaded to a file) the body.
public struct HTTPResponse: Sendable {
    /// The status code of the final response (after any `100 Continue`).
    public var status: Int
    /// The final response's header fields, in order, as received.
    public var headers: [(name: String, value: String)]
    /// The body, when kept in memory. After a successful download to a file it is empty.
    public var body: [UInt8]
    /// The number of bytes written to the file, for a successful download; `nil` otherwise.
    public var downloadedBytes: Int64?

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], downloadedBytes: Int64? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.downloadedBytes = downloadedBytes
    }

    /// The first value of a header, matched without regard to case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

extension String {
    /// ASCII case-insensitive equality (header names are ASCII).
    func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in
            (x | (x >= 0x41 && x <= 0x5A ? 0x20 : 0)) == (y | (y >= 0x41 && y <= 0x5A ? 0x20 : 0))
        }
    }
}
