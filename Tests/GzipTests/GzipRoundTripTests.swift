import Gzip
import Testing

@Suite struct GzipRoundTripTests {
    @Test(arguments: [0, 1, 13, 1000, 65536, 200_001])
    func roundTripsSmallInputs(count: Int) throws {
        var generator = TestBytes(seed: UInt64(count))
        let data = generator.mixed(count)
        let compressed = try GzipCompressor.compress(data)
        #expect(compressed.prefix(2) == [0x1F, 0x8B])
        #expect(try GzipDecompressor.decompress(compressed) == data)
    }

    @Test func roundTripsTenMegabytesOfRandomAndRepetitiveData() throws {
        var generator = TestBytes(seed: 42)
        let data = generator.mixed(10 * 1024 * 1024)
        let compressed = try GzipCompressor.compress(data, level: 1)
        #expect(compressed.count < data.count)
        #expect(try GzipDecompressor.decompress(compressed) == data)
    }

    @Test func roundTripsHighlyCompressibleData() throws {
        let data = [UInt8](repeating: 0x61, count: 5 * 1024 * 1024)
        let compressed = try GzipCompressor.compress(data, level: 9)
        #expect(compressed.count < 64 * 1024)
        #expect(try GzipDecompressor.decompress(compressed) == data)
    }

    @Test(arguments: [[1], [7, 1, 300], [4096], [65535, 3], [100_000]])
    func streamingInOddChunksEqualsOneShot(sizes: [Int]) throws {
        var generator = TestBytes(seed: 7)
        let data = generator.mixed(300_000)
        let oneShot = try GzipCompressor.compress(data)

        let compressor = try GzipCompressor()
        var streamed: [UInt8] = []
        for chunk in TestBytes.chunks(data, sizes: sizes) {
            streamed += try compressor.compress(chunk)
        }
        streamed += try compressor.finish()
        #expect(streamed == oneShot)

        let decompressor = try GzipDecompressor()
        var restored: [UInt8] = []
        for chunk in TestBytes.chunks(oneShot, sizes: sizes) {
            restored += try decompressor.decompress(chunk)
        }
        try decompressor.finish()
        #expect(restored == data)
    }

    @Test func decodesConcatenatedMembers() throws {
        let first = Array("first member\n".utf8)
        let second = [UInt8]()
        let third = Array(repeating: UInt8(0x7A), count: 100_000)
        let stream = try GzipCompressor.compress(first) + GzipCompressor.compress(second) + GzipCompressor.compress(third)
        #expect(try GzipDecompressor.decompress(stream) == first + second + third)

        // Streamed with a split inside the second member's header.
        let boundary = try GzipCompressor.compress(first).count + 3
        let decompressor = try GzipDecompressor()
        var restored = try decompressor.decompress(Array(stream[..<boundary]))
        restored += try decompressor.decompress(Array(stream[boundary...]))
        try decompressor.finish()
        #expect(restored == first + second + third)
    }

    @Test func corruptDataThrows() throws {
        var compressed = try GzipCompressor.compress(Array("hello hello hello hello".utf8))
        compressed[12] ^= 0xFF
        #expect(throws: GzipError.corruptData) { try GzipDecompressor.decompress(compressed) }
        #expect(throws: GzipError.corruptData) { try GzipDecompressor.decompress(Array("not gzip at all".utf8)) }
    }

    @Test func wrongChecksumThrows() throws {
        var compressed = try GzipCompressor.compress(Array("checksummed".utf8))
        compressed[compressed.count - 6] ^= 0x01  // inside the CRC-32 of the trailer
        #expect(throws: GzipError.corruptData) { try GzipDecompressor.decompress(compressed) }
    }

    @Test func garbageAfterAMemberThrows() throws {
        let compressed = try GzipCompressor.compress(Array("payload".utf8)) + Array("trailing".utf8)
        #expect(throws: GzipError.corruptData) { try GzipDecompressor.decompress(compressed) }
    }

    @Test func truncatedInputThrows() throws {
        var generator = TestBytes(seed: 3)
        let compressed = try GzipCompressor.compress(generator.mixed(50_000))
        for cut in [1, 5, 10, compressed.count / 2, compressed.count - 1] {
            #expect(throws: GzipError.truncated) { try GzipDecompressor.decompress(Array(compressed[..<cut])) }
        }
        #expect(throws: GzipError.truncated) { try GzipDecompressor.decompress([]) }
    }

    @Test func outputLimitStopsABomb() throws {
        let bomb = try GzipCompressor.compress([UInt8](repeating: 0, count: 20 * 1024 * 1024), level: 9)
        #expect(bomb.count < 100_000)
        #expect(throws: GzipError.outputLimitExceeded) {
            try GzipDecompressor.decompress(bomb, maxOutputBytes: 1024 * 1024)
        }

        let decompressor = try GzipDecompressor(maxOutputBytes: 1024 * 1024)
        #expect(throws: GzipError.outputLimitExceeded) {
            for chunk in TestBytes.chunks(bomb, sizes: [1000]) { _ = try decompressor.decompress(chunk) }
        }
        // The decompressor stays failed.
        #expect(throws: GzipError.outputLimitExceeded) { try decompressor.finish() }

        // Exactly at the limit is fine.
        let exact = try GzipCompressor.compress([UInt8](repeating: 1, count: 4096))
        #expect(try GzipDecompressor.decompress(exact, maxOutputBytes: 4096).count == 4096)
    }

    @Test func errorsDescribeWhatFailed() {
        #expect(GzipError.truncated.description.contains("ended"))
        #expect(GzipError.zlib(-4).description.contains("Z_MEM_ERROR"))
        #expect(GzipError.zlib(-4) != GzipError.zlib(-2))
    }
}
