import Foundation
import Testing
import TestSupport

@testable import BatchService

@Suite("Streaming SHA-256")
struct SHA256Tests {
    /// FIPS 180-4 / NIST CAVP examples.
    @Test("standard vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ("The quick brown fox jumps over the lazy dog", "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"),
    ])
    func vector(input: String, digest: String) {
        #expect(SHA256.hex(of: Array(input.utf8)) == digest)
    }

    @Test func oneMillionAs() {
        var hash = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hash.update(chunk) }
        #expect(hash.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every split of the input into chunks gives the digest of the whole (block boundaries, padding at 55/56/64).
    @Test func chunkingNeverChangesTheDigest() {
        var generator = SeededGenerator(seed: 42)
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 128, 1000, 4097] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let whole = SHA256.hex(of: bytes)
            var hash = SHA256()
            var offset = 0
            while offset < bytes.count {
                let size = min(Int.random(in: 1...70, using: &generator), bytes.count - offset)
                hash.update(Array(bytes[offset..<offset + size]))
                offset += size
            }
            #expect(hash.finalizeHex() == whole, "length \(length)")
        }
    }

    /// Agrees with the system's `sha256sum` on a few megabytes of random bytes.
    @Test func agreesWithSha256sum() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = SeededGenerator(seed: 7)
        let bytes = (0..<3_000_001).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = directory.path + "/random.bin"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try await ChildProcess.run("/usr/bin/sha256sum", [path])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: " ").first.map(String.init) == SHA256.hex(of: bytes))
    }
}
