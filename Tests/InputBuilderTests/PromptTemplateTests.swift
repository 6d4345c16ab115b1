import InputBuilder
import Testing

struct PromptTemplateTests {
    @Test(arguments: [
        ("---\nsystem: x\n---\nline 4 {{segment}}\nline 5 {{segmnt}}", "prompts/tech.md line 5: unknown placeholder {{segmnt}}"),
        ("a\nb\nc\n{{ segmnt }}", "prompts/tech.md line 4: unknown placeholder {{segmnt}}"),
        ("{{segment", "prompts/tech.md line 1: {{ is not closed by }}"),
        ("---\nsystem: x\n", "prompts/tech.md line 1: front matter is not closed by a --- line"),
        ("---\nformat: pdf\n---\nx", "prompts/tech.md line 2: format must be md or puml, not pdf"),
        ("---\nsytem: x\n---\nx", "prompts/tech.md line 2: unknown front matter key sytem (expected system, format or model)"),
        ("---\nno colon here\n---\nx", "prompts/tech.md line 2: expected `key: value` in the front matter"),
        ("---\nsystem: \"open\n---\nx", "prompts/tech.md line 2: the quoted value is not closed"),
    ])
    func errorsNameFileAndLine(text: String, message: String) {
        #expect {
            try PromptTemplate(name: "tech", displayPath: "prompts/tech.md", text: text)
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test func readsFrontMatter() throws {
        let template = try PromptTemplate(name: "t", displayPath: "t.md", text: """
        ---
        # a comment
        system: |
          First line.
          Second line.
        format: puml
        model: 'gpt-4o-mini'
        ---

        Hello {{process.id}}, {{ segment.index }} of {{segment.count}}.

        """)
        #expect(template.system == "First line.\nSecond line.")
        #expect(template.format == .plantUML)
        #expect(template.model == "gpt-4o-mini")
        #expect(template.placeholders == [.processID, .segmentIndex, .segmentCount])
        let text = try template.render([.processID: "p", .segmentIndex: "1", .segmentCount: "2"], context: "test")
        #expect(text == "Hello p, 1 of 2.")
    }

    @Test func templateWithoutFrontMatter() throws {
        let template = try PromptTemplate(name: "t", displayPath: "t.md", text: "Just {{code}}\n")
        #expect(template.system == nil)
        #expect(template.format == .markdown)
        #expect(try template.render([.code: "x()"], context: "test") == "Just x()")
    }
}

struct SegmenterTests {
    @Test(arguments: [1, 5, 10, 17, 100])
    func segmentsRejoinToTheTextAndRespectTheLimit(limit: Int) {
        let text = "alpha\nbeta\ngamma delta\n\nepsilon\nζήτα ωμέγα\nlast"
        let segments = Segmenter.split(text, maxCharacters: limit)
        // Cuts inside a line can leave whitespace-only pieces, which are dropped; nothing else is.
        #expect(segments.joined().filter { !$0.isWhitespace } == text.filter { !$0.isWhitespace })
        if limit >= 12 { #expect(segments.joined() == text) }
        #expect(segments.allSatisfy { $0.count <= limit })
    }

    @Test func cutsOnLineBoundaries() {
        let segments = Segmenter.split("aaa\nbbb\nccc\n", maxCharacters: 8)
        #expect(segments == ["aaa\nbbb\n", "ccc\n"])
    }

    @Test func emptyContextHasNoSegments() {
        #expect(Segmenter.split("", maxCharacters: 10).isEmpty)
        #expect(Segmenter.split("\n\n  \n", maxCharacters: 10).isEmpty)
    }
}
