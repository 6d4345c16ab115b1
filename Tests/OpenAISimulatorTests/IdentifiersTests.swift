import Testing

@testable import OpenAISimulator

/// Ids keep the live API's shapes, and the per-line ones do not repeat.
@Suite struct IdentifiersTests {
    static func isHex(_ text: Substring, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    @Test func shapes() {
        let request = Identifiers.request()
        #expect(request.hasPrefix("req_") && Self.isHex(request.dropFirst(4), count: 32))
        let line = Identifiers.batchRequest()
        #expect(line.hasPrefix("batch_req_") && Self.isHex(line.dropFirst(10), count: 32))
        let batch = Identifiers.batch()
        #expect(batch.hasPrefix("batch_") && Self.isHex(batch.dropFirst(6), count: 32))
        #expect(Self.isHex(Identifiers.hex(12)[...], count: 12))
        #expect(Self.isHex(Identifiers.hex(40)[...], count: 40))
        let file = Identifiers.file()
        #expect(file.hasPrefix("file-") && file.utf8.count == 27 && file.dropFirst(5).allSatisfy { $0.isLetter || $0.isNumber })
    }

    @Test func perLineIdsAreUniqueAndVaried() {
        var seen = Set<String>()
        for _ in 0..<20_000 {
            seen.insert(Identifiers.batchRequest())
            seen.insert(Identifiers.request())
        }
        #expect(seen.count == 40_000)
        // Every hex digit turns up in every position: the bits are not stuck.
        let digits = Set(seen.filter { $0.hasPrefix("req_") }.prefix(2_000).map { $0.utf8.last! })
        #expect(digits.count == 16)
    }
}
