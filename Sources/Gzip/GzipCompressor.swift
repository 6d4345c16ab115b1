import CZlib

/// Streaming gzip (RFC 1952) compressor. Not Sendable: one owner at a time. Frees its z_stream in deinit.
///
/// Feed input with `compress(_:)` (each call returns whatever compressed output is ready, possibly
/// nothing) and end with `finish()`, which flushes and writes the gzip trailer.
public final class GzipCompressor {
    // zlib keeps a pointer back to the z_stream in its internal state and checks it on every call,
    // so the stream lives at a fixed heap address rather than in a stored property.
    private let stream: UnsafeMutablePointer<z_stream>
    private var scratch: [UInt8]

    /// Creates a compressor. `level` is zlib's 0 (store) … 9 (best); 6 is zlib's default.
    public init(level: Int32 = 6) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let result = czlib_deflate_init2(
            stream, level, Z_DEFLATED, ZlibSettings.gzipWindowBits, ZlibSettings.memoryLevel, Z_DEFAULT_STRATEGY
        )
        guard result == Z_OK else {
            let error = GzipError.zlib(result).with(message: stream.pointee.msg)
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw error
        }
        scratch = [UInt8](repeating: 0, count: ZlibSettings.chunkSize)
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses `input` and returns the compressed bytes that are ready (may be empty).
    public func compress(_ input: [UInt8]) throws -> [UInt8] {
        if input.isEmpty { return [] }
        guard input.count > ZlibSettings.maxInputPerCall else { return try run(input, flush: Z_NO_FLUSH) }
        // z_stream counts input in UInt32: feed giant inputs in pieces.
        var output: [UInt8] = []
        for start in stride(from: 0, to: input.count, by: ZlibSettings.maxInputPerCall) {
            let end = min(input.count, start + ZlibSettings.maxInputPerCall)
            output += try run(Array(input[start..<end]), flush: Z_NO_FLUSH)
        }
        return output
    }

    /// Flushes everything still buffered and writes the gzip trailer. Call once, after the last `compress(_:)`.
    public func finish() throws -> [UInt8] {
        try run([], flush: Z_FINISH)
    }

    /// Compresses `data` as one gzip member.
    public static func compress(_ data: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        let compressor = try GzipCompressor(level: level)
        var output = try compressor.compress(data)
        output += try compressor.finish()
        return output
    }

    /// Runs deflate until all of `input` is consumed (and, for `Z_FINISH`, until the stream ends).
    private func run(_ input: [UInt8], flush: Int32) throws -> [UInt8] {
        var output: [UInt8] = []
        let chunkSize = scratch.count
        try input.withUnsafeBufferPointer { inputBuffer in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
            stream.pointee.avail_in = UInt32(inputBuffer.count)
            defer {
                stream.pointee.next_in = nil
                stream.pointee.avail_in = 0
            }
            try scratch.withUnsafeMutableBufferPointer { scratchBuffer in
                while true {
                    stream.pointee.next_out = scratchBuffer.baseAddress
                    stream.pointee.avail_out = UInt32(chunkSize)
                    let result = deflate(stream, flush)
                    let produced = chunkSize - Int(stream.pointee.avail_out)
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: scratchBuffer[0..<produced]))
                    switch result {
                    case Z_STREAM_END:
                        return
                    case Z_OK:
                        // Done with this call once deflate has taken all input and left output space unused.
                        if flush != Z_FINISH, stream.pointee.avail_in == 0, stream.pointee.avail_out != 0 { return }
                    case Z_BUF_ERROR:
                        // "No progress possible": expected when the previous round filled the scratch exactly.
                        if flush != Z_FINISH, stream.pointee.avail_in == 0 { return }
                        throw GzipError.zlib(result).with(message: stream.pointee.msg)
                    default:
                        throw GzipError.zlib(result).with(message: stream.pointee.msg)
                    }
                }
            }
        }
        return output
    }
}
