#if canImport(Glibc)
import Glibc
#endif

/// Incremental RFC 7578 / RFC 2046 parser: boundaries split across feeds anywhere; preamble and epilogue ignored;
/// part headers bounded; body data emitted as it comes (holding back only the bytes that could still be the
/// start of a delimiter).
///
/// A pure state machine: `feed(_:)` takes the next bytes of the body and returns what they completed.
/// Body bytes are found with `memchr`/`memcmp` over each fed buffer and handed out as slices of it, uncopied.
public struct MultipartParser: Sendable {
    private enum State: Sendable {
        /// Before the first delimiter; bytes are discarded.
        case preamble
        /// Just after a delimiter: `--` (the end), or optional whitespace then CRLF (a part follows).
        case delimiterLine
        /// Collecting a part's header block, which starts with the CRLF that ended the delimiter line.
        case headers
        /// Inside a part's body.
        case body
        /// After the closing delimiter; bytes are discarded.
        case epilogue
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let headerTerminator: [UInt8] = [cr, lf, cr, lf]

    /// `CRLF--boundary`: RFC 2046 makes the CRLF before a boundary part of the delimiter, not of the data.
    private let delimiter: [UInt8]
    private let limits: MultipartLimits
    private var state = State.preamble
    /// Bytes kept from one feed to the next. In `.body`, a proper prefix of `delimiter` seen at the end of the
    /// previous feed; otherwise the unfinished preamble tail, delimiter line or header block. It starts as a
    /// CRLF so that a delimiter at the very start of the body (which has no CRLF before it) is found too.
    private var carry: [UInt8] = [cr, lf]
    private var partCount = 0

    /// Creates a parser for bodies delimited by `boundary`; throws `MultipartError.invalidBoundary` unless it is
    /// 1–70 (and at most `limits.maxBoundaryLength`) characters of RFC 2046 `bchars`, not ending in a space.
    public init(boundary: String, limits: MultipartLimits = MultipartLimits()) throws {
        guard Self.isValidBoundary(boundary, maxLength: limits.maxBoundaryLength) else {
            throw MultipartError.invalidBoundary
        }
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.limits = limits
    }

    /// The boundary parameter of a Content-Type such as `multipart/form-data; boundary="abc"` (quoted or not), or nil.
    ///
    /// Nil as well when the media type is not `multipart/*` or the boundary is empty.
    public static func boundary(fromContentType value: String) -> String? {
        let parsed = MultipartHeaderValue(parsing: value)
        guard parsed.value.lowercased().hasPrefix("multipart/"),
            let boundary = parsed.parameter("boundary"), !boundary.isEmpty
        else { return nil }
        return boundary
    }

    /// Parses the next bytes of the body and returns the events they complete, in order.
    public mutating func feed(_ bytes: [UInt8]) throws -> [MultipartEvent] {
        var events: [MultipartEvent] = []
        var input = bytes[...]
        while true {
            switch state {
            case .epilogue:
                carry = []
                return events
            case .body:
                if !carry.isEmpty {
                    guard let rest = completeHeldBackDelimiter(input, events: &events) else { return events }
                    input = rest
                    continue
                }
                if input.isEmpty { return events }
                if let index = Self.firstIndex(of: delimiter, in: input) {
                    if index > input.startIndex { events.append(.partData(input[..<index])) }
                    events.append(.partEnd)
                    input = input[(index + delimiter.count)...]
                    state = .delimiterLine
                } else {
                    let keep = heldBackStart(input)
                    if keep > input.startIndex { events.append(.partData(input[..<keep])) }
                    carry = Array(input[keep...])
                    return events
                }
            case .preamble, .delimiterLine, .headers:
                let work: ArraySlice<UInt8>
                if carry.isEmpty {
                    work = input
                } else {
                    carry.append(contentsOf: input)
                    work = carry[...]
                    carry = []
                }
                guard let rest = try step(work, events: &events) else { return events }
                input = rest
            }
        }
    }

    /// Ends the body; throws `MultipartError.missingClosingDelimiter` (400) unless the closing delimiter was seen.
    public mutating func finish() throws {
        guard case .epilogue = state else { throw MultipartError.missingClosingDelimiter }
    }

    // MARK: - States other than the body

    /// Advances `.preamble`, `.delimiterLine` or `.headers` over `work`. Returns the bytes after what it
    /// consumed when the state changed, or nil after keeping what it could not yet decide in `carry`.
    private mutating func step(_ work: ArraySlice<UInt8>, events: inout [MultipartEvent]) throws -> ArraySlice<UInt8>? {
        switch state {
        case .preamble:
            if let index = Self.firstIndex(of: delimiter, in: work) {
                state = .delimiterLine
                return work[(index + delimiter.count)...]
            }
            carry = Array(work.suffix(delimiter.count - 1))
            return nil

        case .delimiterLine:
            let start = work.startIndex
            guard work.count >= 2 else {
                carry = Array(work)
                return nil
            }
            if work[start] == UInt8(ascii: "-"), work[start + 1] == UInt8(ascii: "-") {
                events.append(.end)
                state = .epilogue
                carry = []
                return nil
            }
            // RFC 2046 allows transport padding (linear whitespace) between the boundary and its CRLF.
            var index = start
            while index < work.endIndex, work[index] == UInt8(ascii: " ") || work[index] == UInt8(ascii: "\t") {
                index += 1
            }
            if index < work.endIndex, work[index] != Self.cr { throw MultipartError.malformedDelimiter }
            guard index + 1 < work.endIndex else {
                if work.count > limits.maxPartHeaderBytes { throw MultipartError.malformedDelimiter.with(detail: "padding too long") }
                carry = Array(work)
                return nil
            }
            guard work[index + 1] == Self.lf else { throw MultipartError.malformedDelimiter }
            partCount += 1
            guard partCount <= limits.maxParts else {
                throw MultipartError.tooManyParts.with(detail: "more than \(limits.maxParts)")
            }
            state = .headers
            return work[index...]  // keep the CRLF: it starts the header block

        case .headers:
            let start = work.startIndex
            guard let end = Self.firstIndex(of: Self.headerTerminator, in: work) else {
                // Even if the terminator began in the last three bytes, the block would be over the limit.
                if work.count - 2 - 3 > limits.maxPartHeaderBytes {
                    throw MultipartError.partHeadersTooLarge.with(detail: "more than \(limits.maxPartHeaderBytes) bytes")
                }
                carry = Array(work)
                return nil
            }
            // The block is between the delimiter line's CRLF and the blank line; empty when the terminator is at the start.
            let block = work[min(start + 2, end)..<end]
            guard block.count <= limits.maxPartHeaderBytes else {
                throw MultipartError.partHeadersTooLarge.with(detail: "more than \(limits.maxPartHeaderBytes) bytes")
            }
            events.append(.partBegin(try MultipartPartHeaders(parsing: block)))
            state = .body
            return work[(end + Self.headerTerminator.count)...]

        case .body, .epilogue:
            preconditionFailure("step(_:events:) handles only the preamble, delimiter line and headers")
        }
    }

    // MARK: - Body

    /// With a delimiter prefix held back in `carry`, checks whether `input` completes it. Returns the input to
    /// go on with (after the delimiter, or all of it when the held-back bytes turned out to be data), or nil
    /// when `input` ran out while still matching.
    private mutating func completeHeldBackDelimiter(
        _ input: ArraySlice<UInt8>, events: inout [MultipartEvent]
    ) -> ArraySlice<UInt8>? {
        let matched = carry.count
        let needed = delimiter.count - matched
        let available = min(needed, input.count)
        if input.prefix(available).elementsEqual(delimiter[matched..<(matched + available)]) {
            guard available == needed else {
                carry.append(contentsOf: input)
                return nil
            }
            carry = []
            events.append(.partEnd)
            state = .delimiterLine
            return input.dropFirst(needed)
        }
        // The delimiter has a single CR, at its start, and so does `carry`: no later position in `carry` can
        // start a delimiter, so all of it is data.
        events.append(.partData(carry[...]))
        carry = []
        return input
    }

    /// Where the bytes that might begin a delimiter continued in the next feed start (`endIndex` when none).
    private func heldBackStart(_ input: ArraySlice<UInt8>) -> Int {
        let windowStart = max(input.startIndex, input.endIndex - (delimiter.count - 1))
        // Only the last CR can matter: a delimiter prefix contains no CR after its first byte.
        guard let cr = input[windowStart...].lastIndex(of: Self.cr) else { return input.endIndex }
        let length = input.endIndex - cr
        return input[cr...].elementsEqual(delimiter[0..<length]) ? cr : input.endIndex
    }

    // MARK: - Helpers

    /// The index in `haystack` where `needle` first occurs.
    ///
    /// `memchr` finds each candidate first byte and `memcmp` checks it (Swift's Glibc module does not export
    /// `memmem`, a GNU extension). Both needles here start with CR, which is rare in most payloads, so this
    /// runs at `memchr` speed; the worst case is bounded by the needle's length per byte.
    static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count, let first = needle.first else { return nil }
        return haystack.withUnsafeBytes { haystackBytes -> Int? in
            needle.withUnsafeBytes { needleBytes -> Int? in
                guard let base = haystackBytes.baseAddress, let needleBase = needleBytes.baseAddress else { return nil }
                let lastStart = haystackBytes.count - needleBytes.count
                var offset = 0
                while offset <= lastStart {
                    guard let found = memchr(base + offset, Int32(first), lastStart - offset + 1) else { return nil }
                    offset = base.distance(to: UnsafeRawPointer(found))
                    if memcmp(found, needleBase, needleBytes.count) == 0 { return haystack.startIndex + offset }
                    offset += 1
                }
                return nil
            }
        }
    }

    /// RFC 2046 §5.1.1: `boundary := 0*69<bchars> bcharsnospace`, here also at most `maxLength`.
    static func isValidBoundary(_ boundary: String, maxLength: Int) -> Bool {
        let bytes = Array(boundary.utf8)
        guard (1...min(70, maxLength)).contains(bytes.count), bytes.last != UInt8(ascii: " ") else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                Array("'()+_,-./:=? ".utf8).contains(byte)
            }
        }
    }
}
