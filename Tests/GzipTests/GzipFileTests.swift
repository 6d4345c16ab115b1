import Foundation
import Gzip
import TestSupport
import Testing

/// `GzipFile.inflate`: real files in a temporary directory.
@Suite struct GzipFileTests {
    private func write(_ bytes: [UInt8], _ path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    private func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test(arguments: [0, 1, 70_000, 3_000_000])
    func roundTripsAndLeavesTheSourceAlone(count: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = TestBytes(seed: UInt64(count) + 5)
        let data = generator.mixed(count)
        let compressed = try GzipCompressor.compress(data)
        try write(compressed, directory.path + "/in.jsonl.gz")

        let written = try GzipFile.inflate(from: directory.path + "/in.jsonl.gz", to: directory.path + "/out.jsonl", maxOutputBytes: count)
        #expect(written == count)
        #expect(try read(directory.path + "/out.jsonl") == data)
        #expect(try read(directory.path + "/in.jsonl.gz") == compressed)
        let mode = try FileManager.default.attributesOfItem(atPath: directory.path + "/out.jsonl")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func inflatesConcatenatedMembersLongerThanOneRead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = TestBytes(seed: 99)
        // Random bytes barely compress: the members span several 256 KiB reads.
        let first = generator.random(700_000)
        let second = Array("second member\n".utf8)
        try write(try GzipCompressor.compress(first) + GzipCompressor.compress(second), directory.path + "/in.gz")
        try GzipFile.inflate(from: directory.path + "/in.gz", to: directory.path + "/out")
        #expect(try read(directory.path + "/out") == first + second)
    }

    @Test func stopsABombAtTheCapAndRemovesTheOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // 64 MiB of one byte compresses to about 64 KiB: a thousand-fold bomb.
        let bomb = try GzipCompressor.compress([UInt8](repeating: 0x20, count: 64 * 1024 * 1024), level: 9)
        #expect(bomb.count < 100_000)
        try write(bomb, directory.path + "/bomb.gz")
        #expect(throws: GzipError.outputLimitExceeded) {
            try GzipFile.inflate(from: directory.path + "/bomb.gz", to: directory.path + "/out", maxOutputBytes: 10 * 1024 * 1024)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/out"))
        #expect(FileManager.default.fileExists(atPath: directory.path + "/bomb.gz"))
        // Exactly at the cap is allowed.
        try GzipFile.inflate(from: directory.path + "/bomb.gz", to: directory.path + "/out", maxOutputBytes: 64 * 1024 * 1024)
        #expect(try FileManager.default.attributesOfItem(atPath: directory.path + "/out")[.size] as? Int == 64 * 1024 * 1024)
    }

    @Test func truncatedOrCorruptInputThrowsAndLeavesNoOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = TestBytes(seed: 3)
        let compressed = try GzipCompressor.compress(generator.mixed(500_000))
        try write(Array(compressed.dropLast(9)), directory.path + "/truncated.gz")
        #expect(throws: GzipError.truncated) {
            try GzipFile.inflate(from: directory.path + "/truncated.gz", to: directory.path + "/out")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/out"))

        try write(Array("{\"custom_id\":\"x\"}\n".utf8), directory.path + "/plain.gz")
        #expect(throws: GzipError.corruptData) {
            try GzipFile.inflate(from: directory.path + "/plain.gz", to: directory.path + "/out")
        }
        try write([], directory.path + "/empty.gz")
        #expect(throws: GzipError.truncated) {
            try GzipFile.inflate(from: directory.path + "/empty.gz", to: directory.path + "/out")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["empty.gz", "plain.gz", "truncated.gz"])
        #expect((GzipError.truncated).isMalformedInput && GzipError.corruptData.isMalformedInput && !GzipError.outputLimitExceeded.isMalformedInput)
    }

    @Test func neverOverwritesAnExistingFileAndNamesAMissingSource() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try write(try GzipCompressor.compress(Array("new\n".utf8)), directory.path + "/in.gz")
        try write(Array("old\n".utf8), directory.path + "/out")
        let exists = #expect(throws: GzipError.self) {
            try GzipFile.inflate(from: directory.path + "/in.gz", to: directory.path + "/out")
        }
        #expect(exists?.description.contains("open \(directory.path)/out: File exists") == true, "\(String(describing: exists))")
        #expect(try read(directory.path + "/out") == Array("old\n".utf8))

        let missing = #expect(throws: GzipError.self) {
            try GzipFile.inflate(from: directory.path + "/nope.gz", to: directory.path + "/new")
        }
        #expect(missing?.description.contains("nope.gz: No such file or directory") == true, "\(String(describing: missing))")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/new"))
    }

    @Test func theStreamingDecompressorHandsOutBoundedPieces() throws {
        var generator = TestBytes(seed: 21)
        let data = generator.mixed(1_000_000) + [UInt8](repeating: 0x61, count: 4_000_000)
        let compressed = try GzipCompressor.compress(data)
        let decompressor = try GzipDecompressor()
        var restored: [UInt8] = []
        var largest = 0
        try compressed.withUnsafeBytes { bytes in
            try decompressor.decompress(bytes) { piece in
                largest = max(largest, piece.count)
                restored.append(contentsOf: piece)
            }
        }
        try decompressor.finish()
        #expect(restored == data)
        #expect(largest <= 64 * 1024)
    }
}
