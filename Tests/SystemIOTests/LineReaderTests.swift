import Glibc
import Testing
@testable import SystemIO

@Suite struct LineReaderTests {
    private func lines(of text: String, maxLineBytes: Int = .max, initialCapacity: Int = 1 << 20) throws -> [String] {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        try folder.write("f", Array(text.utf8))
        let reader = try LineReader(path: folder.path + "/f", maxLineBytes: maxLineBytes, initialCapacity: initialCapacity)
        var result: [String] = []
        while let line = try reader.next() {
            result.append(String(decoding: line, as: UTF8.self))
            #expect(reader.lineNumber == result.count)
        }
        return result
    }

    private func mappedLines(of text: String) throws -> [String] {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBytes { raw in
            let reader = LineReader(mapping: UnsafeRawBufferPointer(raw), name: "memory")
            var result: [String] = []
            while let line = try reader.nextLine() { result.append(String(decoding: line, as: UTF8.self)) }
            return result
        }
    }

    @Test(arguments: [
        ("a\nb\n", ["a", "b"]),
        ("a\r\nb\r\n", ["a", "b"]),
        ("a\nlast", ["a", "last"]),
        ("\n\na\n\n", ["", "", "a", ""]),
        ("", []),
        ("only", ["only"]),
        ("x\r\n\r\ny", ["x", "", "y"]),
        ("in\rside\n", ["in\rside"]),
    ])
    func splitsLines(text: String, expected: [String]) throws {
        #expect(try lines(of: text) == expected)
        #expect(try lines(of: text, initialCapacity: 1) == expected)
        #expect(try mappedLines(of: text) == expected)
    }

    @Test func aLongLineGrowsTheBuffer() throws {
        let long = String(repeating: "x", count: 50_000)
        #expect(try lines(of: "a\n\(long)\nb", initialCapacity: 4096) == ["a", long, "b"])
    }

    @Test func shortLinesAfterLongOnesReadTheSameOnceTheBufferShrinks() throws {
        // Long lines grow the buffer; the short ones after each make it shrink back: every line survives both.
        var expected: [String] = []
        for round in 0..<6 {
            expected.append(String(repeating: Character(UnicodeScalar(UInt8(97 + round))), count: 30_000 + round * 7_001))
            for index in 0..<300 { expected.append("short \(round)-\(index)") }
        }
        let text = expected.joined(separator: "\n")
        #expect(try lines(of: text, initialCapacity: 4096) == expected)
        #expect(try lines(of: text, maxLineBytes: 70_000, initialCapacity: 4096) == expected)
    }

    @Test func aLineOverTheLimitIsAnError() throws {
        let long = String(repeating: "x", count: 20_000)
        do {
            _ = try lines(of: "a\n\(long)\n", maxLineBytes: 8192, initialCapacity: 4096)
            Issue.record("no error")
        } catch let error as SystemError {
            #expect(error.lineTooLong?.line == 2)
            #expect(error.lineTooLong?.limit == 8192)
        }
    }

    @Test func aMappedLineOverTheLimitIsAnError() {
        var bytes = Array("ok\n0123456789\n".utf8)
        bytes.withUnsafeMutableBytes { raw in
            let reader = LineReader(mapping: UnsafeRawBufferPointer(raw), name: "memory", maxLineBytes: 5)
            #expect(throws: SystemError.lineTooLong(path: "memory", line: 2, limit: 5)) {
                while try reader.next() != nil {}
            }
        }
    }

    @Test func aMissingFileIsENOENT() {
        #expect(throws: SystemError.call("open", path: "/tmp/systemio-none/f", errno: ENOENT)) {
            _ = try LineReader(path: "/tmp/systemio-none/f")
        }
    }
}
