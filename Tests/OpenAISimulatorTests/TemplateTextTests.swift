import JSON
import OpenAIClient
import Testing

@testable import OpenAISimulator

/// The responder's text helpers, made faster, give what the simple versions gave.
@Suite struct TemplateTextTests {
    /// The clipping as it was: count every character.
    static func legacyClip(_ text: String, _ length: Int) -> String {
        if text.utf8.count <= length { return text }
        return text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    /// The search as it was: a slice scan for the first byte, then `elementsEqual`.
    static func legacyContains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, bytes.count >= needle.count else { return needle.isEmpty }
        var index = 0
        let last = bytes.count - needle.count
        while index <= last {
            guard let found = bytes[index...last].firstIndex(of: first) else { return false }
            if bytes[found..<(found + needle.count)].elementsEqual(needle) { return true }
            index = found + 1
        }
        return false
    }

    /// Line splitting as it was: an array of bytes, a table of bytes to strip.
    static func legacyLines(_ text: String, trimming trim: [UInt8] = [], limit: Int = .max) -> [String] {
        let bytes = Array(text.utf8)
        var result: [String] = []
        var start = 0
        var strip = [Bool](repeating: false, count: 256)
        for byte in trim + [0x20, 0x09, 0x0D] { strip[Int(byte)] = true }
        while start <= bytes.count, result.count < limit {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            var low = start
            var high = end
            while low < high, strip[Int(bytes[low])] { low += 1 }
            while high > low, strip[Int(bytes[high - 1])] { high -= 1 }
            if low < high { result.append(String(decoding: bytes[low..<high], as: UTF8.self)) }
            start = end + 1
        }
        return result
    }

    static let pieces = [
        "a", "b", " ", "\r", "\n", "\r\n", "é", "e\u{301}", "\u{301}", "😀", "🇵🇹", "中", "\t", "x", "\u{200D}",
        // Latin-1, which clips by bytes: a control, a soft hyphen, a pictograph that a ZWJ joins.
        "ÿ", "\u{0085}", "\u{00AD}", "©",
    ]

    static func random(_ generator: inout SeededGenerator, maxPieces: Int) -> String {
        var text = ""
        for _ in 0..<Int(generator.next() % UInt64(maxPieces + 1)) {
            // Mostly ASCII, as prompts are, with the characters that make grapheme edges tricky.
            text += generator.next() % 3 == 0 ? pieces[Int(generator.next() % UInt64(pieces.count))] : "abc"
        }
        return text
    }

    @Test func clipMatchesCountingEveryCharacter() {
        let fixed = [
            String(repeating: "a", count: 79), String(repeating: "a", count: 80), String(repeating: "a", count: 81),
            String(repeating: "a", count: 79) + "e\u{301}", String(repeating: "a", count: 80) + "\u{301}",
            String(repeating: "a", count: 78) + "\r\n" + "b", String(repeating: "a", count: 79) + "\r\n",
            String(repeating: "é", count: 100), String(repeating: "e\u{301}", count: 81), String(repeating: "🇵🇹", count: 90),
            String(repeating: "é", count: 79) + "\u{301}", String(repeating: "é", count: 80) + "\u{301}x",
            String(repeating: "ÿ", count: 79) + "©\u{200D}😀", String(repeating: "a", count: 79) + "\r\nb",
            "Explain topic 1. " + String(repeating: "the batch api runs requests ", count: 40),
        ]
        for text in fixed {
            for length in [1, 2, 3, 79, 80, 81, 120, 400] {
                #expect(TemplateResponder.clip(text, length) == Self.legacyClip(text, length), "\(text.debugDescription) \(length)")
            }
        }
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<3_000 {
            let text = Self.random(&generator, maxPieces: 40)
            let length = 1 + Int(generator.next() % 60)
            #expect(TemplateResponder.clip(text, length) == Self.legacyClip(text, length), "\(text.debugDescription) \(length)")
        }
    }

    @Test func linesMatchTheArrayVersion() {
        var generator = SeededGenerator(seed: 5)
        let extra = ["#", ">", "*", "-", "\n\n", " \t "]
        for _ in 0..<3_000 {
            var text = Self.random(&generator, maxPieces: 30)
            if generator.next() % 2 == 0 { text = extra[Int(generator.next() % 6)] + text + extra[Int(generator.next() % 6)] }
            let trim: [UInt8] = generator.next() % 2 == 0 ? Array("#>*-".utf8) : []
            let limit = generator.next() % 3 == 0 ? 1 : Int.max
            #expect(TemplateResponder.lines(text, trimming: trim, limit: limit) == Self.legacyLines(text, trimming: trim, limit: limit))
        }
        #expect(TemplateResponder.lines("") == [])
        #expect(TemplateResponder.lines("\n # Title \r\n\n- point\n", trimming: Array("#-".utf8)) == ["Title", "point"])
    }

    @Test func searchMatchesTheSliceScan() {
        var generator = SeededGenerator(seed: 11)
        let alphabet = Array("abc umlplantd@qs".utf8)
        for _ in 0..<3_000 {
            let haystack = (0..<Int(generator.next() % 40)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let needle = (0..<Int(generator.next() % 4)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            #expect(TemplateResponder.containsLowercased(haystack, needle) == Self.legacyContains(haystack, needle))
        }
        #expect(TemplateResponder.rarestByteOffset(Array(" uml".utf8)) == 2)
        #expect(TemplateResponder.rarestByteOffset(Array("sequence chart".utf8)) == 2)
        #expect(TemplateResponder.rarestByteOffset(Array("@startuml".utf8)) == 0)
        for marker in TemplateResponder.diagramMarkers {
            #expect(TemplateResponder.containsLowercased(marker, marker))
            #expect(TemplateResponder.containsLowercased(marker + Array("x".utf8), marker))
            #expect(TemplateResponder.containsLowercased(Array("x".utf8) + marker, marker))
            #expect(TemplateResponder.containsLowercased(Array("please draw a ".utf8) + marker + Array(" now".utf8), marker))
            #expect(!TemplateResponder.containsLowercased(Array(marker.dropLast()), marker))
        }
    }

    @Test func inPlaceHashesAndObjectsMatch() {
        var generator = SeededGenerator(seed: 13)
        for _ in 0..<500 {
            let text = Self.random(&generator, maxPieces: 200)
            for count in [0, 1, 256, 512, Int.max] {
                #expect(TemplateResponder.hash(prefix: text, count) == TemplateResponder.hash(bytes: Array(text.utf8.prefix(count))))
            }
        }
        let literal: JSONValue = ["a": 1, "b": "x", "c": ["d": nil]]
        #expect(TemplateResponder.object(["a": 1, "b": "x", "c": ["d": nil]]) == literal)
        #expect(TemplateResponder.object(["k": 1, "k": 2]) == ["k": 2])
    }

    @Test func longASCIIPromptGetsClippedTitleAndSummary() {
        let prompt = "Explain topic 7. " + String(repeating: "the batch api runs requests ", count: 100)
        let text = TemplateResponder.compose(prompt: prompt, context: prompt, model: "gpt-4o-mini")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "# " + Self.legacyClip(prompt, 80))
        #expect(lines[0].hasSuffix("…") && lines[0].count == 82)
        #expect(lines[4] == Self.legacyClip(prompt, 400))
        #expect(text.hasSuffix("from a prompt of \(prompt.utf8.count) bytes.\n"))
    }

    @Test func diagramMarkersAreFoundAsEachOnItsOwn() {
        // "uml" is searched once for three markers: the answer is that of a search for each.
        var generator = SeededGenerator(seed: 23)
        let fragments = ["plant", "uml", "@start", " ", "um", "l", "diagr", "am", "sequence", " chart", "x", "p", "api ", "\n"]
        for _ in 0..<3_000 {
            let text = (0..<Int(generator.next() % 12)).map { _ in fragments[Int(generator.next() % UInt64(fragments.count))] }.joined()
            let bytes = Array(text.utf8)
            let expected = TemplateResponder.diagramMarkers.contains { Self.legacyContains(bytes, $0) }
            #expect(bytes.withUnsafeBufferPointer { TemplateResponder.holdsDiagramMarker($0) } == expected, "\(text.debugDescription)")
        }
    }

    @Test func plainASCIICheckMatchesBytes() {
        var generator = SeededGenerator(seed: 21)
        for _ in 0..<2_000 {
            var bytes = (0..<Int(generator.next() % 40)).map { _ in UInt8(0x20 + generator.next() % 0x5F) }
            if !bytes.isEmpty, generator.next() % 2 == 0 {
                bytes[Int(generator.next() % UInt64(bytes.count))] = [0x0D, 0x80, 0xC3, 0xFF, 0x8D, 0x0A][Int(generator.next() % 6)]
            }
            let expected = bytes.allSatisfy { $0 < 0x80 && $0 != 0x0D }
            #expect(bytes.withUnsafeBufferPointer { TemplateResponder.isPlainASCII($0) } == expected, "\(bytes)")
        }
    }

    @Test func aScalarCutAtTheFirstKiBBecomesAReplacement() {
        // "Title\n" and 1013 bytes end at 1019, the newline, then "a" and "é" fill up to 1023: the
        // next "é" is cut after its first byte, which decodes to U+FFFD as the prefix's String did.
        let prompt = "Title\n" + String(repeating: "y", count: 1013) + "\naéé and more"
        #expect(Array(prompt.utf8)[1024] & 0xC0 == 0x80)
        let text = TemplateResponder.compose(prompt: prompt, context: prompt, model: "m")
        #expect(text.contains("\n- aé\u{FFFD}\n"))
        #expect(text.contains("\n- " + String(repeating: "y", count: 119) + "…\n"))
        #expect(text.hasSuffix("from a prompt of \(prompt.utf8.count) bytes.\n"))
        // The same as the head decoded on its own.
        let head = String(decoding: Array(prompt.utf8.prefix(1024)), as: UTF8.self)
        #expect(text == TemplateResponder.markdown(prompt: head, bytes: prompt.utf8.count, model: "m"))
    }

    @Test func keyPointsAreDistinctAsStringsAre() {
        // Canonically equivalent lines are one point, as they were one member of a Set<String>.
        let prompt = "Title\né\ne\u{301}\nK\n\u{212A}\nÿ\ny\u{308}\nTitle\nx"
        let text = TemplateResponder.compose(prompt: prompt, context: prompt, model: "m")
        #expect(text.contains("## Key points\n\n- é\n- K\n- ÿ\n- Title\n- x\n\n"), "\(text)")
        // Duplicates past the fifth distinct line do not matter; the first line may come back.
        let many = TemplateResponder.compose(prompt: "a\nb\nb\nc\na\nd\ne\nf\ng", context: "", model: "m")
        #expect(many.contains("## Key points\n\n- b\n- c\n- a\n- d\n- e\n\n"))
    }

    @Test func chatAnswersAreThoseOfTheJoinedPrompt() {
        // The texts are never joined; the answer is still the joined prompt's.
        let long = String(repeating: "the batch api runs requests é ", count: 40)
        let cases: [([String], Int?)] = [
            (["You draw PlantUML diagrams.", "Draw Client and Server"], 1), (["system", long], 1), ([long, "Draw a diagram"], 1),
            ([long, "x"], nil), (["a", "b", "c"], nil), (["", ""], nil), ([String(repeating: "s", count: 1020), "é" + long], nil),
            (["diagram", "user"], 1), (["user"], 0), (["user"], nil), ([long], 0),
        ]
        for (texts, lastUser) in cases {
            let prompt = texts.joined(separator: "\n")
            let user = lastUser.map { texts[$0] } ?? prompt
            let answer = TemplateResponder.chatAnswer(texts: texts, lastUser: lastUser, model: "m")
            #expect(answer.content == TemplateResponder.compose(prompt: user, context: prompt, model: "m"), "\(texts)")
            #expect(answer.usage == TemplateResponder.usage(prompt: prompt, output: answer.content))
        }
    }
}

/// PlantUML answers name the participants the prompt names.
@Suite struct PlantUMLAnswerTests {
    static func participants(_ text: String) -> [String] {
        text.split(separator: "\n").filter { $0.hasPrefix("participant ") }.map {
            String($0.split(separator: "\"")[1])
        }
    }

    @Test func namesAndTitlesAreAlikeInASCIIAndElsewhere() {
        // ASCII heads are read as bytes, others by characters: the same words give the same names.
        let ascii = TemplateResponder.plantUML(prompt: "Draw \"Client\" talking to Server_2 and Database 42 (Cache)")
        let other = TemplateResponder.plantUML(prompt: "Draw \"Client\" talking to Server_2 and Database 42 (Cache) é")
        #expect(Self.participants(ascii) == ["Client", "Server_2", "Database", "Cache"])
        #expect(Self.participants(other) == Self.participants(ascii))
        #expect(ascii.hasPrefix("@startuml\ntitle Draw 'Client' talking to Server_2 and Database 42 (Cache)\n"))
        #expect(other.hasPrefix("@startuml\ntitle Draw 'Client' talking to Server_2 and Database 42 (Cache) é\n"))
        #expect(Self.participants(TemplateResponder.plantUML(prompt: "Draw Équipe and Ünïcode and Naïve")) == ["Équipe", "Ünïcode", "Naïve"])
    }

    @Test func participantsComeFromThePrompt() {
        let three = TemplateResponder.plantUML(prompt: "Draw a PlantUML sequence diagram of Client, Server and Database talking.")
        #expect(Self.participants(three) == ["Client", "Server", "Database"])
        #expect(three.contains("User -> P1: request\nP1 -> P2: server\nP2 -> P3: database\nP1 --> User: result\n@enduml\n"))
        // Four at most, each once; instruction words and short words are not names.
        let many = TemplateResponder.plantUML(prompt: "Please Draw Alpha Beta Beta Gamma Delta Epsilon Zeta Uml")
        #expect(Self.participants(many) == ["Alpha", "Beta", "Gamma", "Delta"])
        let none = TemplateResponder.plantUML(prompt: "draw a diagram please")
        #expect(Self.participants(none) == ["Service", "Store"])
    }

    @Test func manyNamesInABatchDoNotStopTheSimulator() async throws {
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        let chat = #"{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Sequence diagram: Alpha, Beta, Gamma, Delta, Epsilon"}]}"#
        let response = try await harness.request("POST", "/v1/chat/completions", body: Array(chat.utf8))
        #expect(response.status == 200)
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(3) { "Draw a diagram of Alpha, Beta, Gamma, Delta and Epsilon (\($0))" })
        let batch = try await harness.waitFor(try await harness.createBatch(fileID: file.id).id)
        #expect(batch.status == .completed)
        let output = try await harness.content(try #require(batch.outputFileID))
        let content = output.first?.response?.body["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue ?? ""
        #expect(Self.participants(content) == ["Alpha", "Beta", "Gamma", "Delta"])
    }
}
