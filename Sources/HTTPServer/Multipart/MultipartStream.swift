/// Reads a multipart/form-data body part by part as it arrives, so that a file part's bytes go on to the
/// handler as an async sequence of chunks instead of being spooled to a file here (`MultipartForm` spools).
///
/// Fields (small, bounded by `MultipartLimits.maxFieldBytes`) are collected in memory wherever they sit,
/// before or after the file. Other file parts than the one asked for are read and dropped. Not Sendable:
/// one handler reads it, in order.
public final class MultipartStream {
    private var body: RequestBody.Iterator
    private var parser: MultipartParser
    private let limits: MultipartLimits
    /// Events of the last fed chunk not handled yet.
    private var pending: [MultipartEvent] = []
    private var pendingIndex = 0
    private var ended = false
    /// The fields read so far, in order.
    public private(set) var fields: [(name: String, value: String)] = []

    /// Starts reading `body`; throws `MultipartError.invalidBoundary` for a bad boundary.
    public init(body: RequestBody, boundary: String, limits: MultipartLimits = MultipartLimits()) throws {
        self.body = body.makeAsyncIterator()
        parser = try MultipartParser(boundary: boundary, limits: limits)
        self.limits = limits
    }

    /// Reads on to the first file part whose field name is `name`, collecting the fields before it and
    /// dropping other files; nil when the body ends first.
    public func nextFile(named name: String) async throws -> MultipartPartHeaders? {
        while let event = try await nextEvent() {
            guard case .partBegin(let headers) = event else { continue }
            if headers.filename == nil {
                try await readField(headers.name)
            } else if headers.name == name {
                return headers
            } else {
                try await skipPart()
            }
        }
        return nil
    }

    /// The bytes of the file part `nextFile(named:)` found, up to its end; iterate it once.
    public func fileChunks() -> FilePartChunks {
        FilePartChunks(stream: self)
    }

    /// Reads the rest of the body, collecting its fields; throws for a malformed body.
    public func readToEnd() async throws {
        while let event = try await nextEvent() {
            guard case .partBegin(let headers) = event else { continue }
            if headers.filename == nil { try await readField(headers.name) } else { try await skipPart() }
        }
    }

    // MARK: - Events

    /// The next event, reading the body as needed; nil once the body ended with its closing delimiter.
    fileprivate func nextEvent() async throws -> MultipartEvent? {
        while pendingIndex == pending.count {
            if ended { return nil }
            pending = []
            pendingIndex = 0
            guard let chunk = try await body.next() else {
                ended = true
                try parser.finish()
                return nil
            }
            pending = try parser.feed(chunk)
        }
        defer { pendingIndex += 1 }
        return pending[pendingIndex]
    }

    private func readField(_ name: String) async throws {
        var bytes: [UInt8] = []
        while let event = try await nextEvent() {
            switch event {
            case .partData(let data):
                guard bytes.count + data.count <= limits.maxFieldBytes else { throw MultipartError.fieldTooLarge }
                bytes.append(contentsOf: data)
            case .partEnd, .end, .partBegin:
                guard let value = String(validating: bytes, as: UTF8.self) else { throw MultipartError.invalidFieldEncoding }
                fields.append((name, value))
                return
            }
        }
    }

    private func skipPart() async throws {
        while let event = try await nextEvent() {
            if case .partData = event { continue }
            return
        }
    }
}

/// The bytes of one file part of a `MultipartStream`, pulled from the socket only as they are iterated
/// (so a slow disk slows the client instead of filling memory).
public struct FilePartChunks: AsyncSequence {
    /// A run of the part's bytes.
    public typealias Element = ArraySlice<UInt8>

    fileprivate let stream: MultipartStream

    /// An iterator over the part's bytes.
    public func makeAsyncIterator() -> Iterator {
        Iterator(stream: stream)
    }

    /// Yields the part's data until its end.
    public struct Iterator: AsyncIteratorProtocol {
        fileprivate let stream: MultipartStream
        private var done = false

        fileprivate init(stream: MultipartStream) {
            self.stream = stream
        }

        /// The next run of bytes; nil at the part's end.
        public mutating func next() async throws -> ArraySlice<UInt8>? {
            while !done, let event = try await stream.nextEvent() {
                if case .partData(let bytes) = event {
                    if bytes.isEmpty { continue }
                    return bytes
                }
                done = true
            }
            return nil
        }
    }
}
