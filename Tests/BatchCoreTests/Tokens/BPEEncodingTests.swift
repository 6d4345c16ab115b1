@testable import BatchCore
import Foundation
import Testing

struct BPEEncodingTests {
    /// Merging takes the lowest rank first, the leftmost among equals, and stops when no adjacent pair is a
    /// token; a piece that is a token whole is one token.
    @Test func mergesByRank() throws {
        let encoding = try BPEEncoding.make(merges: ["bc", "ab", "abc", "bcd"])
        #expect(encoding.count("abcd") == 2)   // bc first (a·bc·d), then abc (abc·d)
        #expect(encoding.count("abc") == 1)    // a whole token
        #expect(encoding.count("abab") == 2)   // ab|ab
        #expect(encoding.count("xyz") == 3)
        #expect(encoding.count("") == 0)
        #expect(encoding.count("é") == 2)      // two bytes, no merge
    }

    @Test func readsTheVocabulary() throws {
        let encoding = try BPEEncoding.make(merges: ["ab", " the"])
        #expect(encoding.vocabularySize == 258)
        #expect(encoding.count(" the") == 1)
        // CRLF line ends and blank lines are accepted.
        let crlf = BPEEncoding.tiktoken(merges: ["ab"]).replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
        #expect(try BPEEncoding(name: .cl100kBase, tiktoken: Array(crlf.utf8)).vocabularySize == 257)
    }

    @Test(arguments: [
        ("YQ== 0\nYQ== 1\n", "line 2 is not a tiktoken vocabulary line: the token appears twice"),
        ("YQ==\n", "line 1 is not a tiktoken vocabulary line: expected a base64 token, a space and a rank"),
        ("YQ= 0\n", "line 1 is not a tiktoken vocabulary line: the token is not base64"),
        ("Y*== 0\n", "line 1 is not a tiktoken vocabulary line: the token is not base64"),
        ("YQ== 1x\n", "line 1 is not a tiktoken vocabulary line: the rank is not a number below 2^32"),
        ("YQ== 99999999999\n", "line 1 is not a tiktoken vocabulary line: the rank is not a number below 2^32"),
        ("\n\n", "the vocabulary has no tokens"),
        ("YQ== 0\n", "the vocabulary has no token for the single byte 0"),
    ])
    func refusesCorruptFiles(text: String, message: String) {
        #expect { try BPEEncoding(name: .o200kBase, tiktoken: Array(text.utf8)) } throws: { error in
            (error as? BPEEncodingError)?.description == message
        }
    }

    @Test(arguments: [
        ("gpt-4o-mini", BPEEncoding.Name.o200kBase), ("gpt-4o-2024-08-06", .o200kBase), ("chatgpt-4o-latest", .o200kBase),
        ("gpt-4.1-nano", .o200kBase), ("gpt-5", .o200kBase), ("gpt-5-mini", .o200kBase), ("o1", .o200kBase),
        ("o3-mini", .o200kBase), ("o4-mini", .o200kBase), ("ft:gpt-4o-mini:acme::abc", .o200kBase),
        ("gpt-4", .cl100kBase), ("gpt-4-turbo", .cl100kBase), ("gpt-4-0613", .cl100kBase), ("gpt-3.5-turbo", .cl100kBase),
        ("text-embedding-3-small", .cl100kBase), ("text-embedding-3-large", .cl100kBase), ("text-embedding-ada-002", .cl100kBase),
    ])
    func mapsModels(model: String, expected: BPEEncoding.Name) {
        #expect(BPEEncoding.Name.forModel(model) == expected)
    }

    @Test(arguments: ["omni-moderation-latest", "llama-3", "gpt-4x", "o", "oss-model", ""])
    func unknownModelsHaveNoEncoding(model: String) {
        #expect(BPEEncoding.Name.forModel(model) == nil)
    }
}
