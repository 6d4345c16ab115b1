import BatchCore
import BatchService
import Foundation
import Gzip
import TestSupport
import Testing

/// Loading vocabularies from a folder: plain and gzipped files, once, and clear errors for what is not there
/// or not a vocabulary. The vocabulary is a small one written here (the 256 bytes and one merge).
struct TokenizerDirectoryTests {
    static let vocabulary: [UInt8] = {
        var lines = (0...255).map { "\(Data([UInt8($0)]).base64EncodedString()) \($0)" }
        lines.append("\(Data("ab".utf8).base64EncodedString()) 256")
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }()

    @Test func loadsPlainAndGzippedFiles() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try Data(Self.vocabulary).write(to: URL(fileURLWithPath: folder.path + "/o200k_base.tiktoken"))
        try Data(GzipCompressor.compress(Self.vocabulary)).write(to: URL(fileURLWithPath: folder.path + "/cl100k_base.tiktoken.gz"))
        let counter = try TokenizerDirectory(path: folder.path).loadCounter()
        #expect(Set(counter.loadedEncodings) == [.o200kBase, .cl100kBase])
        #expect(counter.count("abc", model: "gpt-4o-mini") == (2, true))
        #expect(counter.count("abc", model: "text-embedding-3-small") == (2, true))
    }

    /// One file is enough: the other encoding's models are estimated.
    @Test func loadsWhatIsThere() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try Data(GzipCompressor.compress(Self.vocabulary)).write(to: URL(fileURLWithPath: folder.path + "/o200k_base.tiktoken.gz"))
        let counter = try TokenizerDirectory(path: folder.path).loadCounter()
        #expect(counter.loadedEncodings == [.o200kBase])
        #expect(counter.count("abc", model: "gpt-4").exact == false)
    }

    /// Loaded once: a file removed after the first load changes nothing.
    @Test func loadsOnce() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.path + "/o200k_base.tiktoken"
        try Data(Self.vocabulary).write(to: URL(fileURLWithPath: path))
        let directory = TokenizerDirectory(path: folder.path)
        #expect(try await directory.counter().loadedEncodings == [.o200kBase])
        try FileManager.default.removeItem(atPath: path)
        #expect(try directory.loadCounter().loadedEncodings == [.o200kBase])
    }

    @Test func withoutAFolderEveryCountIsAnEstimate() throws {
        #expect(try TokenizerDirectory(path: nil).loadCounter().loadedEncodings.isEmpty)
        #expect(try TokenizerDirectory(environment: ["BATCH_OPENAI_TOKENIZER_DIR": ""]).loadCounter().loadedEncodings.isEmpty)
        #expect(TokenizerDirectory(environment: ["BATCH_OPENAI_TOKENIZER_DIR": "/x"]).path == "/x")
    }

    @Test func refusesAFolderWithoutVocabulary() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        #expect { try TokenizerDirectory(path: folder.path).loadCounter() } throws: { error in
            "\(error)" == "the tokenizer folder \(folder.path) holds no vocabulary (o200k_base.tiktoken[.gz] or cl100k_base.tiktoken[.gz])"
        }
        #expect(throws: TokenizerError.self) { try TokenizerDirectory(path: folder.path + "/missing").loadCounter() }
    }

    @Test func namesACorruptFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.path + "/o200k_base.tiktoken"
        try Data("YQ== 0\nnot a line\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try TokenizerDirectory(path: folder.path).loadCounter() } throws: { error in
            "\(error)" == "the vocabulary \(path) is corrupt: line 2 is not a tiktoken vocabulary line: the rank is not a number below 2^32"
        }
        try FileManager.default.removeItem(atPath: path)
        try Data("not gzip".utf8).write(to: URL(fileURLWithPath: path + ".gz"))
        #expect { try TokenizerDirectory(path: folder.path).loadCounter() } throws: { error in
            "\(error)".hasPrefix("the vocabulary \(path).gz is corrupt: not a gzip file")
        }
    }
}
