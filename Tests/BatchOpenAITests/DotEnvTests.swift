@testable import batch_openai
import Testing

@Suite("DotEnv")
struct DotEnvTests {
    private func values(_ text: String, environment: [String: String] = [:]) throws -> [String: String] {
        Dictionary(try DotEnv.parse(text, environment: environment).map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
    }

    @Test("plain, quoted, exported, commented and blank lines", arguments: [
        ("A=1", "A", "1"),
        ("A = 1 ", "A", "1"),
        ("export A=1", "A", "1"),
        ("A=some value # comment", "A", "some value"),
        ("A=a#b", "A", "a#b"),
        ("A=", "A", ""),
        ("A= # only a comment", "A", ""),
        ("A='single # not a comment'", "A", "single # not a comment"),
        ("A='no \\n escapes'", "A", "no \\n escapes"),
        ("A=\"line\\nbreak\\t\\\"q\\\" \\\\ \\$HOME\"", "A", "line\nbreak\t\"q\" \\ $HOME"),
        ("A=\"two\nlines\"", "A", "two\nlines"),
        ("A=\"x\" # trailing comment", "A", "x"),
        ("A=1\r\n", "A", "1"),
        ("OPENAI_BASE_URL=http://127.0.0.1:8100/v1", "OPENAI_BASE_URL", "http://127.0.0.1:8100/v1"),
        ("A=sk-abc=def", "A", "sk-abc=def"),
    ])
    func parsesValues(line: String, key: String, value: String) throws {
        #expect(try values(line)[key] == value)
    }

    @Test func skipsCommentsAndBlankLinesAndKeepsOrder() throws {
        let text = """
        # a comment

          # indented comment
        B=2
        A=1
        B=3
        """
        let parsed = try DotEnv.parse(text)
        #expect(parsed.map(\.key) == ["B", "A"])
        #expect(parsed.map(\.value) == ["3", "1"])
    }

    @Test func expandsReferencesFromTheFileThenTheEnvironment() throws {
        let text = """
        HOST=127.0.0.1
        URL=http://${HOST}:${PORT}/v1
        QUOTED="${HOST}"
        LITERAL='${HOST}'
        DEFAULTED=${MISSING:-fallback}
        EMPTY_DEFAULT=${EMPTY:-x}
        """
        let parsed = try values(text, environment: ["PORT": "8100", "EMPTY": ""])
        #expect(parsed["URL"] == "http://127.0.0.1:8100/v1")
        #expect(parsed["QUOTED"] == "127.0.0.1")
        #expect(parsed["LITERAL"] == "${HOST}")
        #expect(parsed["DEFAULTED"] == "fallback")
        #expect(parsed["EMPTY_DEFAULT"] == "x")
    }

    @Test("malformed lines name the file, the line and what was expected", arguments: [
        ("A=1\nNOEQUALS\n", 2, "expected '=' after 'NOEQUALS'"),
        ("A=1\n\nB C=2", 3, "expected '=' after 'B', found 'C'"),
        ("1A=x", 1, "must not start with a digit"),
        ("A='open", 1, "unterminated single-quoted value"),
        ("X=1\nA=\"open\nstill open", 2, "unterminated double-quoted value"),
        ("A=\"x\" y", 1, "after the closing quote"),
        ("A=${UNCLOSED", 1, "unterminated ${UNCLOSED"),
        ("=value", 1, "expected KEY=value"),
    ])
    func reportsMalformedLines(text: String, line: Int, fragment: String) {
        #expect {
            _ = try DotEnv.parse(text, file: "config/.env")
        } throws: { error in
            guard let error = error as? DotEnv.ParseError else { return false }
            return error.file == "config/.env" && error.line == line && error.description.contains(fragment)
                && error.description.hasPrefix("config/.env line \(line): ")
        }
    }

    @Test func errorsNeverQuoteTheValueOfAWellFormedSecret() {
        // The key is on a good line; the bad line after it must not echo the secret.
        let text = "OPENAI_API_KEY=sk-secret-123\nBROKEN"
        #expect {
            _ = try DotEnv.parse(text)
        } throws: { error in
            !String(describing: error).contains("sk-secret-123")
        }
    }
}
