import Glibc

/// Incremental, pipelining-aware request parser: append bytes as they arrive, pull events.
///
/// Feed every read with ``append(_:)-([UInt8])`` and then call ``next()`` until it returns nil.
/// Each request yields `.head`, zero or more `.body` pieces and `.end`; after `.end` the parser is
/// ready for the next pipelined request, whose bytes it already holds. While a head is being read
/// the bytes held stay within the limits, provided `next()` is called after each append. After an
/// error every further `next()` throws the same error: answer with its status, `Connection: close`,
/// and close the connection.
///
/// The parser works on one contiguous buffer with index scanning (`memchr` for line ends) and
/// compacts it only when the consumed prefix is at least half of it.
public struct RequestParser: Sendable {
    enum State: Sendable {
        /// Waiting for, or in the middle of, a request head.
        case head
        /// The body is complete; `.end` is due.
        case endOfMessage
        /// This many `Content-Length` body bytes are still to come.
        case contentLength(remaining: Int64)
        /// Expecting a chunk-size line.
        case chunkSize
        /// Inside chunk data, this many bytes still to come.
        case chunkData(remaining: Int64)
        /// Expecting the CRLF after chunk data.
        case chunkDataEnd
        /// After the last chunk: trailer fields up to an empty line.
        case trailers
        /// A parse error happened; the connection must close.
        case failed(HTTPParseError)
    }

    /// A validated field line: where its name and its trimmed value lie, relative to `readIndex`.
    struct FieldLine: Sendable {
        var name: Range<Int>
        var value: Range<Int>
    }

    /// Progress through a header or trailer section, kept across appends so bytes are scanned and
    /// validated once, as each line completes. Offsets are relative to `readIndex`, so compacting
    /// the buffer does not move them.
    struct SectionScan: Sendable {
        /// Where the search for the next line feed resumes.
        var scanOffset = 0
        /// Where the current, unfinished line starts.
        var lineStart = 0
        /// The parsed request line (head sections only), once it is complete.
        var requestHead: RequestHead?
        /// The complete, validated field lines so far.
        var fields: [FieldLine] = []
        /// Bytes of complete field lines so far (request line excluded).
        var fieldBytes = 0

        mutating func reset() {
            scanOffset = 0
            lineStart = 0
            requestHead = nil
            fields.removeAll(keepingCapacity: true)
            fieldBytes = 0
        }
    }

    /// The limits this parser enforces.
    public let limits: ParserLimits
    var buffer: [UInt8] = []
    var readIndex = 0
    var state: State = .head
    var scan = SectionScan()
    /// Chunk sizes of the current chunked body so far, for ``ParserLimits/maxBodyBytes``.
    var chunkedBodyBytes: Int64 = 0

    /// Creates a parser enforcing `limits`.
    public init(limits: ParserLimits = ParserLimits()) {
        self.limits = limits
    }

    /// Bytes held but not yet returned in an event.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// True between requests: no partial request has been started (leftover bytes may be waiting).
    /// A connection closed by the peer in this state ended cleanly.
    public var isIdle: Bool {
        if case .head = state { return scan.scanOffset == 0 && bufferedByteCount == 0 }
        return false
    }

    /// Adds bytes read from the connection.
    public mutating func append(_ bytes: [UInt8]) {
        // Nothing pending: take the array as the buffer instead of copying it (a body read then passes
        // through to `.body` without a copy at all).
        if readIndex == buffer.count {
            buffer = bytes
            readIndex = 0
            return
        }
        compactIfWorthwhile()
        buffer.append(contentsOf: bytes)
    }

    /// Drops the buffer's storage when nothing is pending, so a connection waiting for its next request
    /// does not keep the last read's array (up to the read size) alive while idle.
    public mutating func releaseSpareCapacity() {
        guard readIndex == buffer.count, buffer.capacity > 0 else { return }
        buffer = []
        readIndex = 0
    }

    /// Adds bytes read from the connection from any collection (a slice, a raw buffer).
    public mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        compactIfWorthwhile()
        buffer.append(contentsOf: bytes)
    }

    /// Next event, or nil when more bytes are needed. After `.end` the parser is ready for the next
    /// pipelined request (leftover bytes kept). A request with framing `.none` emits `.head` then
    /// `.end` immediately. Body bytes are emitted as they are available (never waits to fill a chunk).
    public mutating func next() throws(HTTPParseError) -> ParserEvent? {
        do throws(HTTPParseError) {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func compactIfWorthwhile() {
        guard readIndex > 0 else { return }
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex >= buffer.count / 2 {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }

    private mutating func step() throws(HTTPParseError) -> ParserEvent? {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .head:
                return try readHead()
            case .endOfMessage:
                state = .head
                return .end(trailers: HTTPHeaders())
            case .contentLength(let remaining):
                guard let bytes = takeBody(upTo: remaining) else { return nil }
                let left = remaining - Int64(bytes.count)
                state = left == 0 ? .endOfMessage : .contentLength(remaining: left)
                return .body(bytes)
            case .chunkData(let remaining):
                guard let bytes = takeBody(upTo: remaining) else { return nil }
                let left = remaining - Int64(bytes.count)
                state = left == 0 ? .chunkDataEnd : .chunkData(remaining: left)
                return .body(bytes)
            case .chunkSize:
                guard let size = try readChunkSizeLine() else { return nil }
                guard size <= limits.maxBodyBytes - chunkedBodyBytes else {
                    throw .contentTooLarge("chunked body over \(limits.maxBodyBytes) bytes")
                }
                chunkedBodyBytes += size
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkDataEnd:
                guard try readChunkDataEnd() else { return nil }
                state = .chunkSize
            case .trailers:
                guard let trailers = try readTrailers() else { return nil }
                state = .head
                return .end(trailers: trailers)
            }
        }
    }

    /// Up to `limit` buffered body bytes, or nil when none are buffered.
    private mutating func takeBody(upTo limit: Int64) -> [UInt8]? {
        let available = buffer.count - readIndex
        guard available > 0 else { return nil }
        let count = Int(min(Int64(available), limit))
        if readIndex == 0, count == buffer.count {
            // The whole buffer is body: hand it over as it is.
            defer { buffer = [] }
            return buffer
        }
        let bytes = Array(buffer[readIndex..<(readIndex + count)])
        readIndex += count
        return bytes
    }

    /// The index of the first line feed in `bytes[from..<bytes.count]`.
    @inline(__always)
    static func firstLineFeed(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard from < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + from, Int32(HTTPSyntax.lf), bytes.count - from) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// Advances `scan` over newly arrived bytes of a header (or trailer) section.
    ///
    /// Returns the offset (relative to `readIndex`) just past the section's empty line once it is
    /// complete, or nil when more bytes are needed. Limits are checked on complete lines and on the
    /// unfinished last line, so an endless line fails as soon as it is over its limit.
    mutating func scanSection(
        _ bytes: UnsafeBufferPointer<UInt8>,
        isTrailer: Bool
    ) throws(HTTPParseError) -> Int? {
        let base = readIndex
        while true {
            guard let lineFeed = Self.firstLineFeed(in: bytes, from: base + scan.scanOffset) else {
                var pending = bytes.count - base - scan.lineStart
                if pending > 0, bytes[bytes.count - 1] == HTTPSyntax.cr { pending -= 1 }
                try checkPendingLine(length: pending, bytes, isTrailer: isTrailer)
                scan.scanOffset = bytes.count - base
                return nil
            }
            let lineFeedOffset = lineFeed - base
            var contentEnd = lineFeedOffset
            if contentEnd > scan.lineStart, bytes[lineFeed - 1] == HTTPSyntax.cr {
                contentEnd -= 1
            } else if isTrailer {
                throw .badRequest("bare LF in chunked trailer section")
            }
            let length = contentEnd - scan.lineStart
            let line = UnsafeBufferPointer(rebasing: bytes[(base + scan.lineStart)..<(base + contentEnd)])
            if !isTrailer && scan.requestHead == nil {
                if length > limits.maxRequestLineBytes {
                    throw requestLineTooLong(bytes, length: length)
                }
                scan.requestHead = try Self.parseRequestLine(line)
            } else if length == 0 {
                return lineFeedOffset + 1
            } else {
                try checkFieldLine(length: length, isTrailer: isTrailer)
                let (nameEnd, value) = try Self.splitField(line)
                scan.fields.append(
                    FieldLine(
                        name: scan.lineStart..<(scan.lineStart + nameEnd),
                        value: (scan.lineStart + value.lowerBound)..<(scan.lineStart + value.upperBound)
                    )
                )
                scan.fieldBytes += length
            }
            scan.lineStart = lineFeedOffset + 1
            scan.scanOffset = scan.lineStart
        }
    }

    /// Limits for a complete field line of `length` bytes, given the lines before it.
    private func checkFieldLine(length: Int, isTrailer: Bool) throws(HTTPParseError) {
        let fieldCount = scan.fields.count + 1
        if isTrailer {
            if scan.fieldBytes + length > limits.maxTrailerBytes {
                throw .headerFieldsTooLarge("trailer section over \(limits.maxTrailerBytes) bytes")
            }
        } else {
            if length > limits.maxHeaderLineBytes {
                throw .headerFieldsTooLarge("header line over \(limits.maxHeaderLineBytes) bytes")
            }
            if scan.fieldBytes + length > limits.maxHeaderBytes {
                throw .headerFieldsTooLarge("header section over \(limits.maxHeaderBytes) bytes")
            }
        }
        if fieldCount > limits.maxHeaderCount {
            throw .headerFieldsTooLarge("more than \(limits.maxHeaderCount) fields")
        }
    }

    /// Limits for the unfinished last line, so that bytes held stay bounded.
    private func checkPendingLine(
        length: Int,
        _ bytes: UnsafeBufferPointer<UInt8>,
        isTrailer: Bool
    ) throws(HTTPParseError) {
        guard length > 0 else { return }
        if !isTrailer && scan.requestHead == nil {
            if length > limits.maxRequestLineBytes {
                throw requestLineTooLong(bytes, length: length)
            }
        } else {
            try checkFieldLine(length: length, isTrailer: isTrailer)
        }
    }

    /// `414` when the request-target is what makes the request line long, else `400`.
    private func requestLineTooLong(_ bytes: UnsafeBufferPointer<UInt8>, length: Int) -> HTTPParseError {
        let line = UnsafeBufferPointer(rebasing: bytes[readIndex..<(readIndex + length)])
        let tooLong = "request line over \(limits.maxRequestLineBytes) bytes"
        // Methods are short: a missing or late first space means the method itself is the problem.
        guard let firstSpace = line.prefix(33).firstIndex(of: HTTPSyntax.space), firstSpace > 0 else {
            return .badRequest(tooLong)
        }
        guard let secondSpace = line[(firstSpace + 1)...].firstIndex(of: HTTPSyntax.space) else {
            return .uriTooLong("request-target makes the \(tooLong)")
        }
        // Only a version-sized tail after the target: the target is what is long.
        return length - secondSpace - 1 <= 8 ? .uriTooLong("request-target makes the \(tooLong)") : .badRequest(tooLong)
    }
}
