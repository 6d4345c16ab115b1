import CZlib

/// Streaming gzip decompressor with an output cap against decompression bombs. Accepts concatenated members.
/// Not Sendable: one owner at a time. Frees its z_stream in deinit.
///
/// Feed compressed bytes with `decompress(_:)` and call `finish()` at the end of the input: it throws
/// `GzipError.truncated` unless the input ended exactly at the end of a gzip member. After an error
/// every further call throws that error again.
public final class GzipDecompressor {
    private let stream: UnsafeMutablePointer<z_stream>
    private var scratch: [UInt8]
    private let maxOutputBytes: Int?
    private var totalOutput = 0
    /// True once a member ended and no byte of a following member has been seen.
    private var atMemberEnd = false
    /// True once any input arrived; an empty input is not a gzip stream.
    private var sawInput = false
    private var failure: GzipError?

    /// Creates a decompressor that throws `GzipError.outputLimitExceeded` once the total output would exceed `maxOutputBytes`.
    public init(maxOutputBytes: Int? = nil) throws {
        self.maxOutputBytes = maxOutputBytes
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let result = czlib_inflate_init2(stream, ZlibSettings.gzipWindowBits)
        guard result == Z_OK else {
            let error = GzipError.zlib(result).with(message: stream.pointee.msg)
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw error
        }
        scratch = [UInt8](repeating: 0, count: ZlibSettings.chunkSize)
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Decompresses `input` and returns the bytes that are ready (may be empty).
    public func decompress(_ input: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        try input.withUnsafeBytes { bytes in
            try decompress(bytes) { output.append(contentsOf: $0) }
        }
        return output
    }

    /// Decompresses `input`, handing the output to `sink` in pieces of at most 64 KiB as they are produced,
    /// so that memory stays bounded however far the input inflates. `sink`'s buffer is valid only during
    /// the call. An error `sink` throws ends the call and is rethrown as it is; the output that was not
    /// handed over then is lost, so the decompressor is of no further use.
    public func decompress(_ input: UnsafeRawBufferPointer, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        if let failure { throw failure }
        if input.isEmpty { return }
        sawInput = true
        do {
            // z_stream counts input in UInt32: feed giant inputs in pieces.
            var start = 0
            while start < input.count {
                let end = min(input.count, start + ZlibSettings.maxInputPerCall)
                try run(UnsafeRawBufferPointer(rebasing: input[start..<end]), sink)
                start = end
            }
        } catch let error as GzipError {
            failure = error
            throw error
        }
    }

    /// Checks that the input ended cleanly at the end of a gzip member; throws `GzipError.truncated` otherwise.
    public func finish() throws {
        if let failure { throw failure }
        guard sawInput, atMemberEnd else { throw GzipError.truncated }
    }

    /// Decompresses a whole gzip stream (one or more members).
    public static func decompress(_ data: [UInt8], maxOutputBytes: Int? = nil) throws -> [UInt8] {
        let decompressor = try GzipDecompressor(maxOutputBytes: maxOutputBytes)
        let output = try decompressor.decompress(data)
        try decompressor.finish()
        return output
    }

    private func run(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let chunkSize = scratch.count
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_in = UInt32(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        try scratch.withUnsafeMutableBufferPointer { scratchBuffer in
            while true {
                if atMemberEnd {
                    // More bytes after a complete member: they must start another member.
                    guard stream.pointee.avail_in > 0 else { return }
                    let reset = inflateReset(stream)
                    guard reset == Z_OK else { throw GzipError.zlib(reset) }
                    atMemberEnd = false
                }
                stream.pointee.next_out = scratchBuffer.baseAddress
                stream.pointee.avail_out = UInt32(chunkSize)
                let result = inflate(stream, Z_NO_FLUSH)
                let produced = chunkSize - Int(stream.pointee.avail_out)
                totalOutput += produced
                if let maxOutputBytes, totalOutput > maxOutputBytes { throw GzipError.outputLimitExceeded }
                if produced > 0 { try sink(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: scratchBuffer[0..<produced]))) }
                switch result {
                case Z_STREAM_END:
                    atMemberEnd = true
                case Z_OK:
                    if stream.pointee.avail_in == 0, stream.pointee.avail_out != 0 { return }
                case Z_BUF_ERROR:
                    // No progress possible: all input is used and inflate needs more.
                    if stream.pointee.avail_in == 0 { return }
                    throw GzipError.zlib(result).with(message: stream.pointee.msg)
                case Z_DATA_ERROR, Z_NEED_DICT:
                    throw GzipError.corruptData.with(message: stream.pointee.msg)
                default:
                    throw GzipError.zlib(result).with(message: stream.pointee.msg)
                }
            }
        }
    }
}
