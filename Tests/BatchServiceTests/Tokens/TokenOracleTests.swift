import BatchCore
import BatchService
import Foundation
import JSON
import Testing

/// Exact counts and the estimate against bpe-openai (the oracle), on a generated corpus (English,
/// Portuguese, code, CJK, emoji, the patterns' corner cases) and on the request lines of `inputs/`.
///
/// Enabled when the oracle's files are named in the environment, which `scripts/test.sh` always does: it
/// runs `scripts/tokens/oracle.py` and sets `BATCH_OPENAI_TOKEN_ORACLE` (the corpus with both encodings'
/// counts), `BATCH_OPENAI_TOKEN_ORACLE_REQUESTS` (request lines with the counter's rule applied to the
/// oracle's counts) and `BATCH_OPENAI_TEST_TOKENIZER_DIR` (bpe-openai's own `.tiktoken.gz` files).
@Suite(.enabled(if: TokenOracle.files != nil, "run by scripts/test.sh, which writes the oracle's counts"))
struct TokenOracleTests {
    static var environment: (corpus: String, requests: String, tokenizers: String)? { TokenOracle.files }

    /// A model of each encoding.
    static let models: [(BPEEncoding.Name, String)] = [(.o200kBase, "gpt-4o-mini"), (.cl100kBase, "gpt-4")]

    static func records(_ path: String) throws -> [JSONValue] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSONValue(parsing: String($0)) }
    }

    @Test func exactCountsMatchTheOracle() throws {
        let environment = try #require(Self.environment)
        let counter = try TokenizerDirectory.load(folder: environment.tokenizers)
        let records = try Self.records(environment.corpus)
        #expect(records.count > 300)
        var compared = 0
        for record in records {
            let text = try #require(record["text"]?.stringValue)
            for (name, model) in Self.models {
                let expected = try #require(record[name.rawValue]?.intValue)
                let counted = counter.count(text, model: model)
                #expect(counted.exact)
                #expect(counted.tokens == expected, "\(name.rawValue), \(record["kind"]?.stringValue ?? ""): \(text.debugDescription.prefix(120))")
                compared += 1
            }
        }
        #expect(compared == records.count * 2)
    }

    @Test func requestLinesMatchTheOracle() throws {
        let environment = try #require(Self.environment)
        let counter = try TokenizerDirectory.load(folder: environment.tokenizers)
        let records = try Self.records(environment.requests)
        #expect(!records.isEmpty)
        for record in records {
            let line = try #require(record["line"]?.stringValue)
            let model = try JSONValue(parsing: line)["body"]?["model"]?.stringValue
            let name = try #require(model.flatMap(BPEEncoding.Name.forModel))
            let counted = counter.tokens(ofLine: line)
            #expect(counted.exact)
            #expect(counted.input == record[name.rawValue]?.intValue, "\(line.prefix(120))")
        }
    }

    /// The estimate is never below the exact count, over each kind of text and the whole corpus, and at
    /// most 1.3× it over the corpus.
    @Test func estimateIsConservativeAndClose() throws {
        let environment = try #require(Self.environment)
        let records = try Self.records(environment.corpus)
        for (name, _) in Self.models {
            var byKind: [String: (estimate: Int, exact: Int)] = [:]
            for record in records {
                let text = try #require(record["text"]?.stringValue)
                let kind = try #require(record["kind"]?.stringValue)
                let exact = try #require(record[name.rawValue]?.intValue)
                byKind[kind, default: (0, 0)].estimate += RequestTokenCounter.estimate(text, encoding: name)
                byKind[kind, default: (0, 0)].exact += exact
            }
            for (kind, sums) in byKind {
                #expect(sums.estimate >= sums.exact, "\(name.rawValue) \(kind): estimate \(sums.estimate), exact \(sums.exact)")
            }
            let estimate = byKind.values.reduce(0) { $0 + $1.estimate }
            let exact = byKind.values.reduce(0) { $0 + $1.exact }
            #expect(estimate >= exact && Double(estimate) <= 1.3 * Double(exact), "\(name.rawValue): estimate \(estimate), exact \(exact)")
        }
    }
}

/// The oracle's files, from the environment `scripts/test.sh` sets.
enum TokenOracle {
    static let files: (corpus: String, requests: String, tokenizers: String)? = {
        let variables = ProcessInfo.processInfo.environment
        guard let corpus = variables["BATCH_OPENAI_TOKEN_ORACLE"], let requests = variables["BATCH_OPENAI_TOKEN_ORACLE_REQUESTS"],
              let tokenizers = variables["BATCH_OPENAI_TEST_TOKENIZER_DIR"] else { return nil }
        return (corpus, requests, tokenizers)
    }()
}
