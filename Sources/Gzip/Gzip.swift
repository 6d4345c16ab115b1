// The Gzip module: streaming gzip (RFC 1952) over zlib, through the CZlib shim.
// `GzipCompressor` and `GzipDecompressor` own one z_stream each; `GzipError` is what they throw.
import CZlib

/// zlib settings shared by the compressor and the decompressor.
enum ZlibSettings {
    /// 15 selects the largest window; adding 16 makes zlib write and read a gzip wrapper instead of zlib's.
    static let gzipWindowBits: Int32 = 15 + 16
    /// zlib's default memory level (the macro `DEF_MEM_LEVEL` is not exported).
    static let memoryLevel: Int32 = 8
    /// Size of the scratch buffer each stream inflates or deflates into before appending to its result.
    static let chunkSize = 64 * 1024
    /// The most input handed to zlib at once; `z_stream.avail_in` is a UInt32.
    static let maxInputPerCall = 1 << 30
}
