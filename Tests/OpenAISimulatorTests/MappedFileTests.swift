import Foundation
import Testing
import TestSupport

@testable import OpenAISimulator

/// The blocks and runs a batch worked out ahead is cut into: every byte in exactly one block, every
/// line whole in one run, whatever the line lengths and the file's last byte.
@Suite struct MappedFileTests {
    static func mapped(_ text: String) throws -> (MappedFile, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/input.jsonl"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (try MappedFile(path: path), directory)
    }

    @Test("blocks cover the file and end after a newline", arguments: [1, 3, 10, 64, 1 << 20])
    func blocks(size: Int) throws {
        for text in ["a\nbb\nccc\n", "a\nbb\nccc", "one long line without a newline", "\n\n\n", String(repeating: "x", count: 100) + "\ny\n"] {
            let (file, directory) = try Self.mapped(text)
            defer { directory.remove() }
            let blocks = file.blocks(of: size)
            #expect(blocks.first?.lowerBound == 0)
            #expect(blocks.last?.upperBound == file.bytes.count)
            for (block, next) in zip(blocks, blocks.dropFirst()) {
                #expect(block.upperBound == next.lowerBound)
                #expect(file.bytes[block.upperBound - 1] == 0x0A)
            }
            // Lines read through the blocks' runs are the file's lines.
            var lines: [String] = []
            for block in blocks {
                let pieces = file.split(block, parts: 2)
                #expect(pieces.first?.lowerBound == block.lowerBound && pieces.last?.upperBound == block.upperBound)
                for piece in pieces {
                    lines += file.lines(in: piece).map { String(decoding: UnsafeBufferPointer(rebasing: file.bytes[$0]), as: UTF8.self) }
                }
            }
            var expected = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if text.hasSuffix("\n") { expected.removeLast() }
            #expect(lines == expected, "\(text.debugDescription) in blocks of \(size)")
        }
    }

    @Test func piecesShareABlocksBytes() throws {
        let text = (1...100).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let (file, directory) = try Self.mapped(text)
        defer { directory.remove() }
        let pieces = file.split(0..<file.bytes.count, parts: 4)
        #expect(pieces.count == 4)
        let lines = pieces.map { file.lines(in: $0).count }
        #expect(lines.reduce(0, +) == 100)
        #expect(lines.allSatisfy { $0 >= 20 })
    }

    @Test func releasedPagesReadTheSameAgain() throws {
        let text = (1...20_000).map { "line \($0) of a file larger than a few pages" }.joined(separator: "\n")
        let (file, directory) = try Self.mapped(text)
        defer { directory.remove() }
        let before = Array(file.bytes)
        file.release(0..<(file.bytes.count / 2))
        file.release(12_345..<file.bytes.count)  // to the end: the last, partial page goes too
        file.release(5..<6)  // no whole page inside: nothing to do
        #expect(Array(file.bytes) == before)
        #expect(String(decoding: before, as: UTF8.self) == text)
    }

    @Test func anEmptyFileHasNoBlocks() throws {
        let (file, directory) = try Self.mapped("")
        defer { directory.remove() }
        #expect(file.bytes.isEmpty)
        #expect(file.blocks(of: 16).isEmpty)
    }
}
