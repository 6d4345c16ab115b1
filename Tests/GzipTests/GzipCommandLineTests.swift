import Foundation
import Gzip
import Testing

/// Interoperability with the `gzip` command line tool.
@Suite struct GzipCommandLineTests {
    private static let gzipPath = "/bin/gzip"

    /// Runs `gzip` with `arguments` on a file holding `input` and returns its standard output.
    private func runGzip(_ arguments: [String], input: [UInt8]) throws -> (status: Int32, output: [UInt8]) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-test-\(UUID().uuidString)")
        try Data(input).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.gzipPath)
        process.arguments = arguments + [file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, [UInt8](output))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: gzipPath)))
    func gzipCommandReadsOurOutput() throws {
        var generator = TestBytes(seed: 11)
        let data = generator.mixed(1_000_000)
        let compressor = try GzipCompressor()
        var compressed: [UInt8] = []
        for chunk in TestBytes.chunks(data, sizes: [9999]) { compressed += try compressor.compress(chunk) }
        compressed += try compressor.finish()

        let result = try runGzip(["-d", "-c"], input: compressed)
        #expect(result.status == 0)
        #expect(result.output == data)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: gzipPath)))
    func weReadGzipCommandOutput() throws {
        var generator = TestBytes(seed: 12)
        let data = generator.mixed(1_000_000)
        let result = try runGzip(["-c", "-9"], input: data)
        #expect(result.status == 0)
        #expect(try GzipDecompressor.decompress(result.output) == data)

        // `gzip -c` of an empty file is a valid, empty member.
        let empty = try runGzip(["-c"], input: [])
        #expect(try GzipDecompressor.decompress(empty.output) == [])
    }
}
