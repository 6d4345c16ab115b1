import Foundation
import OutputParser
import Testing

struct ResultParserTests {
    @Test func writesEachSchemeWhereDesignSays() throws {
        let batch = try BatchFolder(output: [
            ResultFixtures.chat("MinhaClasse.meuMetodo.m3type_business", "Business **text**"),
            ResultFixtures.chat("MinhaClasse.meuMetodo.m3type_tech_resume", "Tech text"),
            ResultFixtures.chat("MinhaClasse.meuMetodo.m3type_notes", "Notes"),
            ResultFixtures.chat("billing/tech/seg-001", "first"),
            ResultFixtures.chat("request-1", "Hello"),
        ])
        defer { batch.root.remove() }
        let index = try batch.parse()
        #expect(index.processed == 5)
        #expect(index.skipped == 0)
        #expect(index.failed == 0)
        #expect(batch.files() == [
            "MinhaClasse.meuMetodo.m3type_business.business.md",
            "MinhaClasse.meuMetodo.m3type_notes.md",
            "MinhaClasse.meuMetodo.m3type_tech_resume.tech.md",
            "billing/final.md",
            "billing/tech/seg-001.md",
            "request-1.md",
        ])
        let business = try #require(batch.document("MinhaClasse.meuMetodo.m3type_business.business.md"))
        #expect(business == """
        ---
        custom_id: "MinhaClasse.meuMetodo.m3type_business"
        batch_id: "batch_test"
        type: "business"
        class_path: "MinhaClasse"
        method: "meuMetodo"
        ---

        Business **text**

        """)
        #expect(index.items.map(\.status) == Array(repeating: .processed, count: 5))
        #expect(index.docsDirectory == batch.docs)
    }

    @Test func readsEveryResponseShape() throws {
        let batch = try BatchFolder(output: [
            ResultFixtures.chat("chat", "from chat"),
            ResultFixtures.chat("string-body", "from a string body", stringBody: true),
            ResultFixtures.responses("responses", "from responses"),
            ResultFixtures.completion("completion", "from completions"),
        ])
        defer { batch.root.remove() }
        try batch.parse()
        #expect(batch.document("chat.md")?.hasSuffix("\nfrom chat\n") == true)
        #expect(batch.document("string-body.md")?.hasSuffix("\nfrom a string body\n") == true)
        #expect(batch.document("responses.md")?.hasSuffix("\nfrom responses\n") == true)
        #expect(batch.document("completion.md")?.hasSuffix("\nfrom completions\n") == true)
    }

    @Test func failedLinesBecomeErrorItems() throws {
        let batch = try BatchFolder(
            output: [ResultFixtures.chat("ok", "fine"), "{not json", #"{"id":"x"}"#],
            errors: [ResultFixtures.expired("late"), ResultFixtures.rejected("bad")]
        )
        defer { batch.root.remove() }
        let index = try batch.parse()
        #expect(index.processed == 1)
        #expect(index.failed == 4)
        let failures = index.items.filter { $0.status == .error }
        #expect(failures.map(\.customID) == [nil, nil, "late", "bad"])
        #expect(failures.map(\.file) == [nil, nil, nil, nil])
        #expect(failures.map(\.source) == ["output.jsonl:2", "output.jsonl:3", nil, nil])
        #expect(failures[2].error?.code == "batch_expired")
        #expect(failures[3].error?.message == "Missing required parameter: 'messages'.")
        #expect(failures[3].error?.code == "invalid_request_error")
        #expect(batch.files() == ["ok.md"])
        // index.json on disk says the same, with null files for failures.
        let data = try #require(FileManager.default.contents(atPath: batch.path + "/index.json"))
        let decoded = try JSONDecoder().decode(ParseIndex.self, from: data)
        #expect(decoded == index)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys).isSuperset(of: ["batch_id", "docs_dir", "processed", "skipped", "items"]))
    }

    @Test func secondRunSkipsEverythingAndChangesNoDocument() throws {
        let batch = try BatchFolder(output: [
            ResultFixtures.chat("a", "A"), ResultFixtures.chat("p/t/seg-001", "one"), ResultFixtures.chat("p/t/seg-002", "two"),
        ])
        defer { batch.root.remove() }
        try batch.parse()
        let before = batch.snapshot()
        let second = try batch.parse()
        #expect(second.processed == 0)
        #expect(second.skipped == 3)
        #expect(second.finals.isEmpty)
        #expect(batch.snapshot() == before)
    }

    @Test func forceRewritesAndOnlyLimits() throws {
        let batch = try BatchFolder(output: [ResultFixtures.chat("a", "A"), ResultFixtures.chat("b", "B")])
        defer { batch.root.remove() }
        try batch.parse(ParseOptions(only: ["b"]))
        #expect(batch.files() == ["b.md"])
        let onlyA = try batch.parse(ParseOptions(only: ["a"]))
        // The index still lists both: `only` updates a's entry, b's stays.
        #expect(onlyA.items.map(\.customID) == ["a", "b"])
        #expect(onlyA.items.map(\.status) == [.processed, .processed])
        #expect(onlyA.processed == 1)
        let before = batch.snapshot()
        let forced = try batch.parse(ParseOptions(force: true, only: ["b"]))
        #expect(forced.processed == 1)
        #expect(forced.skipped == 0)
        let after = batch.snapshot()
        #expect(after["a.md"] == before["a.md"])
        #expect(after["b.md"] != before["b.md"])
        let all = try batch.parse(ParseOptions(force: true))
        #expect(all.processed == 2)
    }

    @Test func finalAssemblesTopicsThenSegmentsInOrder() throws {
        let batch = try BatchFolder(output: [
            ResultFixtures.chat("proc/tech/seg-010", "tech ten"),
            ResultFixtures.chat("proc/business/seg-002", "business two"),
            ResultFixtures.chat("proc/tech/seg-002", "tech two"),
            ResultFixtures.chat("proc/business/seg-001", "business one"),
            ResultFixtures.chat("proc/diagram/seg-001", "```plantuml\n@startuml\nA -> B\n@enduml\n```"),
            ResultFixtures.chat("other/tech/seg-001", "other"),
        ])
        defer { batch.root.remove() }
        let index = try batch.parse()
        #expect(index.finals == ["other/final.md", "proc/final.md"])
        let final = try #require(batch.document("proc/final.md"))
        let order = ["## business", "business one", "business two", "## diagram", "@startuml", "## tech", "tech two", "tech ten"]
        let positions = order.map { final.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(!final.contains("custom_id"))
        #expect(batch.document("proc/diagram/seg-001.puml")?.contains("@startuml\nA -> B\n@enduml") == true)
    }

    @Test func templateFormatMakesPlantUML() throws {
        let batch = try BatchFolder(output: [ResultFixtures.chat("p/seq/seg-001", "Alice -> Bob: hi")])
        defer { batch.root.remove() }
        try batch.parse(ParseOptions(topicFormats: ["seq": .plantUML]))
        #expect(batch.files() == ["p/final.md", "p/seq/seg-001.puml"])
    }

    @Test(arguments: [
        "../../x", "a/b/../../c", "/etc/passwd", "..", ".", ".hidden", "x: y", "with \"quotes\" and 'single'",
        "line\nbreak", "tab\tand\u{0}nul", "日本語のID", "emoji 🎉", String(repeating: "long", count: 300),
        "../../evil/tech/seg-001", "p/../seg-001", "ok/final.md/seg-001", "x.m3type_business/../../.m3type_tech",
        "#comment", "- dash", "{braces}", "key: [list]", "inner\u{FEFF}bom", "\u{FEFF}bom", "null",
    ])
    func hostileIDsStayInsideDocsWithValidFrontMatter(id: String) throws {
        let batch = try BatchFolder(output: [ResultFixtures.chat(id, "content")])
        defer { batch.root.remove() }
        let index = try batch.parse()
        #expect(index.processed == 1)
        let file = try #require(index.items.first?.file)
        #expect(!file.hasPrefix("/"))
        #expect(!file.split(separator: "/").contains { $0 == ".." || $0 == "." || $0.hasPrefix(".") })
        for component in file.split(separator: "/") { #expect(component.utf8.count < 255) }
        let text = try #require(batch.document(file))
        // Everything the run wrote is inside docs/.
        let outside = try FileManager.default.contentsOfDirectory(atPath: batch.root.path)
        #expect(outside == [batch.batchID])
        if file.hasSuffix(".md") {
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("custom_id: ") })
            #expect(YAMLStringDecoder.decode(String(line.dropFirst("custom_id: ".count))) == id)
        }
    }

    @Test func idsThatSanitiseAlikeGetDistinctFiles() throws {
        let batch = try BatchFolder(output: [
            ResultFixtures.chat("a:b", "1"), ResultFixtures.chat("a?b", "2"), ResultFixtures.chat("a_b", "3"),
            ResultFixtures.chat("Foo.bar.m3type_business", "4"), ResultFixtures.chat("Foo.bar.m3type_business.business", "5"),
            ResultFixtures.chat("dup", "6"), ResultFixtures.chat("dup", "7"),
            ResultFixtures.chat("p:x/t/seg-001", "8"), ResultFixtures.chat("p?x/t/seg-001", "9"),
        ])
        defer { batch.root.remove() }
        let index = try batch.parse()
        let files = index.items.compactMap(\.file)
        #expect(files.count == 9)
        #expect(Set(files).count == 9)
        #expect(batch.files().filter { !$0.hasSuffix("final.md") }.count == 9)
        #expect(files.contains("dup.md") && files.contains("dup-2.md"))
        // Same input, same names: a second run finds every document in place.
        let second = try batch.parse()
        #expect(second.items.compactMap(\.file) == files)
        #expect(second.skipped == 9)
    }

    @Test func longLinesAndCRLFAreRead() throws {
        let big = String(repeating: "x", count: 5 << 20)
        let batch = try BatchFolder()
        defer { batch.root.remove() }
        try batch.write("output.jsonl", ResultFixtures.chat("big", big) + "\r\n\r\n" + ResultFixtures.chat("last", "no newline"))
        let index = try batch.parse()
        #expect(index.processed == 2)
        #expect(batch.document("big.md")?.contains(big) == true)
    }

    @Test func lineLimitIsEnforced() throws {
        let batch = try BatchFolder(output: [ResultFixtures.chat("big", String(repeating: "x", count: 100_000))])
        defer { batch.root.remove() }
        #expect(throws: ParseError.lineTooLong(file: "output.jsonl", line: 1, limit: 10_000)) {
            try batch.parse(ParseOptions(maxLineBytes: 10_000))
        }
    }

    @Test func firstRunPublishesDocsWholeAndLeavesNoTemporaries() throws {
        let batch = try BatchFolder(output: [ResultFixtures.chat("a", "A"), ResultFixtures.chat("p/t/seg-001", "one")])
        defer { batch.root.remove() }
        // A crashed run's staging directory is discarded, never published.
        try FileManager.default.createDirectory(atPath: batch.path + "/.docs.partial/stale", withIntermediateDirectories: true)
        try batch.parse()
        #expect(try FileManager.default.contentsOfDirectory(atPath: batch.path).sorted() == ["docs", "index.json", "output.jsonl"])
        #expect(batch.files() == ["a.md", "p/final.md", "p/t/seg-001.md"])
        try batch.parse(ParseOptions(force: true))
        #expect(try FileManager.default.contentsOfDirectory(atPath: batch.path).sorted() == ["docs", "index.json", "output.jsonl"])
        #expect(batch.files() == ["a.md", "p/final.md", "p/t/seg-001.md"])
    }

    @Test func missingResultsAreReportedWithoutTouchingTheFolder() throws {
        let batch = try BatchFolder()
        defer { batch.root.remove() }
        #expect(throws: ParseError.noResults(batchDirectory: batch.path)) { try batch.parse() }
        #expect(!FileManager.default.fileExists(atPath: batch.docs))
    }
}

/// Decodes the double-quoted YAML scalars the parser writes (enough to prove they round-trip).
enum YAMLStringDecoder {
    static func decode(_ quoted: String) -> String? {
        guard quoted.hasPrefix("\""), quoted.hasSuffix("\""), quoted.count >= 2 else { return nil }
        var scalars = Array(quoted.unicodeScalars.dropFirst().dropLast())
        var out = String.UnicodeScalarView()
        var index = 0
        func hex(_ count: Int) -> Unicode.Scalar? {
            guard index + count < scalars.count + 1 else { return nil }
            let digits = String(String.UnicodeScalarView(scalars[index..<index + count]))
            index += count
            return UInt32(digits, radix: 16).flatMap(Unicode.Scalar.init)
        }
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            guard scalar == "\\" else {
                if scalar == "\"" || scalar.value < 0x20 { return nil }
                out.append(scalar)
                continue
            }
            guard index < scalars.count else { return nil }
            let escape = scalars[index]
            index += 1
            switch escape {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "\"": out.append("\"")
            case "\\": out.append("\\")
            case "x": guard let value = hex(2) else { return nil }; out.append(value)
            case "u": guard let value = hex(4) else { return nil }; out.append(value)
            case "U": guard let value = hex(8) else { return nil }; out.append(value)
            default: return nil
            }
        }
        scalars.removeAll()
        return String(out)
    }
}

struct ResultStreamingTests {
    /// Several megabytes of lines of varied length: every refill and move of the reader's buffer.
    @Test func readsEveryLineAcrossBufferRefills() throws {
        var lines: [String] = []
        for index in 0..<3000 {
            lines.append(ResultFixtures.chat("request-\(index)", String(repeating: "y", count: (index * 37) % 2500 + 1)))
        }
        let batch = try BatchFolder(output: lines)
        defer { batch.root.remove() }
        let index = try batch.parse()
        #expect(index.processed == 3000)
        #expect(index.failed == 0)
        #expect(index.items.map(\.customID) == (0..<3000).map { "request-\($0)" })
    }
}
