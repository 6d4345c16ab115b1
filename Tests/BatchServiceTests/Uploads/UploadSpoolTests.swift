import BatchService
import Foundation
import Gzip
import TestSupport
import Testing

/// `UploadSpool`: spooled, inflated, and gone afterwards whatever happened.
@Suite("UploadSpool: one owner for uploaded files")
struct UploadSpoolTests {
    /// A spool in a fresh folder, prepared.
    static func make(maxInflatedBytes: Int64 = 1 << 20) throws -> (TemporaryDirectory, UploadSpool) {
        let root = try TemporaryDirectory()
        let spool = UploadSpool(directory: root.path + "/.uploads", maxInflatedBytes: maxInflatedBytes)
        try spool.prepareFolder()
        return (root, spool)
    }

    /// The chunks of `bytes`, `size` at a time, as the REST layer hands them over.
    static func chunks(_ bytes: [UInt8], size: Int = 7) -> AsyncStream<[UInt8]> {
        AsyncStream { continuation in
            var offset = 0
            while offset < bytes.count {
                continuation.yield(Array(bytes[offset..<min(offset + size, bytes.count)]))
                offset += size
            }
            continuation.finish()
        }
    }

    static func left(_ spool: UploadSpool) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: spool.directory)) ?? ["<missing>"]
    }

    struct ClientLeft: Error {}

    @Test func spoolsAndRemovesAfterTheBody() async throws {
        let (root, spool) = try Self.make()
        defer { root.remove() }
        let text = Array("{\"a\":1}\n{\"b\":2}\n".utf8)
        let upload = try await spool.withUpload(Self.chunks(text), filename: "dir/My File.jsonl", maxBytes: 1000) { upload in
            #expect(Self.left(spool).count == 1)
            return upload
        }
        #expect(upload.filename == "My File.jsonl")
        #expect(upload.receivedBytes == Int64(text.count))
        #expect(Self.left(spool).isEmpty)
    }

    @Test func inflatesGzipAndNamesItWithoutGz() async throws {
        let (root, spool) = try Self.make()
        defer { root.remove() }
        let text = Array(String(repeating: "{\"x\":\"y\"}\n", count: 500).utf8)
        let compressed = try GzipCompressor.compress(text)
        let (name, bytes) = try await spool.withUpload(Self.chunks(compressed, size: 100), filename: "r.JSONL.GZ", maxBytes: 100_000) { upload in
            #expect(Self.left(spool).count == 1, "only the inflated file: \(Self.left(spool))")
            let path = spool.directory + "/" + Self.left(spool)[0]
            return (upload.filename, try Array(Data(contentsOf: URL(fileURLWithPath: path))))
        }
        #expect(name == "r.JSONL")
        #expect(bytes == text)
        #expect(Self.left(spool).isEmpty)
    }

    @Test func refusalsAndFailuresLeaveNothing() async throws {
        let (root, spool) = try Self.make(maxInflatedBytes: 1000)
        defer { root.remove() }
        // Too large as received: 413, stopped at the limit.
        let tooLarge = await #expect(throws: BatchServiceError.self) {
            try await spool.withUpload(Self.chunks([UInt8](repeating: 0x41, count: 500)), filename: "a.jsonl", maxBytes: 100) { _ in }
        }
        #expect(tooLarge?.kind == .tooLarge)
        // A bomb: past the inflated limit.
        let bomb = try GzipCompressor.compress([UInt8](repeating: 0x20, count: 5000))
        let inflated = await #expect(throws: BatchServiceError.self) {
            try await spool.withUpload(Self.chunks(bomb), filename: "b.jsonl.gz", maxBytes: 100_000) { _ in }
        }
        #expect(inflated?.kind == .tooLarge)
        // A broken stream: the client's 400.
        let broken = await #expect(throws: BatchServiceError.self) {
            try await spool.withUpload(Self.chunks([0x1F, 0x8B, 8, 0, 9, 9, 9]), filename: "c.jsonl.gz", maxBytes: 100) { _ in }
        }
        #expect(broken?.kind == .badRequest)
        // The sequence's own error (a client that left) comes through unchanged.
        let failing = AsyncThrowingStream<[UInt8], any Error> { continuation in
            continuation.yield(Array("{\"a\":".utf8))
            continuation.finish(throwing: ClientLeft())
        }
        await #expect(throws: ClientLeft.self) {
            try await spool.withUpload(failing, filename: "d.jsonl", maxBytes: 100) { _ in }
        }
        // The body's error: the spooled file is removed all the same.
        await #expect(throws: ClientLeft.self) {
            try await spool.withUpload(Self.chunks(Array("{}\n".utf8)), filename: "e.jsonl", maxBytes: 100) { _ in throw ClientLeft() }
        }
        #expect(Self.left(spool).isEmpty, "\(Self.left(spool))")
    }

    @Test func preparingClearsWhatACrashLeft() throws {
        let (root, spool) = try Self.make()
        defer { root.remove() }
        for name in ["upload-1.jsonl", "inflate-2.jsonl", "keep.txt"] {
            FileManager.default.createFile(atPath: spool.directory + "/" + name, contents: Data())
        }
        try spool.prepareFolder()
        #expect(Self.left(spool) == ["keep.txt"])
    }
}
