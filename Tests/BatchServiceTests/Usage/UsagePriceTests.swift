@testable import BatchService
import Foundation
import TestSupport
import Testing

@Suite("Usage prices")
struct UsagePriceTests {
    @Test func theCommittedTableSaysWhereAndWhenItsPricesComeFromAndListsTheModels() {
        let table = PriceTable.standard
        #expect(table.source == "https://platform.openai.com/docs/pricing")
        #expect(table.asOf.count == 10)
        for model in ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-5", "gpt-5-mini", "gpt-5-nano", "o3", "o4-mini",
                      "o1", "gpt-3.5-turbo", "text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"] {
            #expect(table.models[model] != nil, "\(model)")
        }
        #expect(table.models["gpt-4o-mini"] == ModelPrice(input: 0.075, cachedInput: nil, output: 0.3))
    }

    @Test(arguments: [
        ("gpt-4o-mini", "gpt-4o-mini"),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("gpt-4o-2024-08-06", "gpt-4o"),
        // A snapshot priced apart keeps its own line: the exact name wins over the suffix rule.
        ("gpt-4o-2024-05-13", "gpt-4o-2024-05-13"),
        ("gpt-5-mini-2025-08-07", "gpt-5-mini"),
        ("o3-2025-04-16", "o3"),
    ])
    func aModelResolvesExactlyThenWithoutItsSnapshotDate(model: String, pricedAs: String) {
        #expect(PriceTable.standard.price(of: model)?.pricedAs == pricedAs)
    }

    @Test(arguments: ["acme-large", "gpt-4o-mini-0125", "gpt-4o-mini-2024-07", "gpt-4o-mini-2024-07-18-x", "-2024-07-18", ""])
    func anUnknownModelHasNoPrice(model: String) {
        #expect(PriceTable.standard.price(of: model) == nil)
    }

    @Test func costIsUncachedInputPlusCachedInputPlusOutputAtTheirRates() {
        let price = ModelPrice(input: 0.125, cachedInput: 0.0125, output: 1.0)
        // (2048 − 1536) × 0.125 + 1536 × 0.0125 + 300 × 1.0 = 383.2 per million.
        #expect(price.cost(of: UsageTokens(input: 2048, cachedInput: 1536, output: 300, reasoning: 256)) == 0.0003832)
        // No cached rate: cached tokens cost the input rate.
        #expect(ModelPrice(input: 1.0, output: 4.0).cost(of: UsageTokens(input: 1200, cachedInput: 1024, output: 800)) == 0.0044)
        // No output rate (embeddings).
        #expect(ModelPrice(input: 0.01).cost(of: UsageTokens(input: 8)) == 0.00000008)
    }

    @Test func anOverrideFileReplacesTheWholeTable() throws {
        let directory = try TemporaryDirectory(prefix: "prices")
        defer { directory.remove() }
        let path = directory.path + "/prices.json"
        try #"{"source":"https://example.com/our-contract","as_of":"2026-01-01","models":{"gpt-4o-mini":{"input":0.05,"cached_input":0.01,"output":0.2},"acme-large":{"input":1,"output":2}}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let table = try PriceTable.load(path: path)
        #expect(table.source == "https://example.com/our-contract")
        #expect(table.asOf == "2026-01-01")
        #expect(table.price(of: "gpt-4o-mini-2024-07-18")?.price == ModelPrice(input: 0.05, cachedInput: 0.01, output: 0.2))
        #expect(table.price(of: "acme-large")?.price == ModelPrice(input: 1, output: 2))
        // Replaced, not merged: the committed table's models are gone.
        #expect(table.price(of: "gpt-4o") == nil)
    }

    @Test(arguments: [
        ("{", "not valid JSON"),
        ("[]", "expected a JSON object"),
        (#"{"as_of":"2026-01-01","models":{"m":{"input":1}}}"#, "'source'"),
        (#"{"source":"s","models":{"m":{"input":1}}}"#, "'as_of'"),
        (#"{"source":"s","as_of":"d","models":{}}"#, "'models'"),
        (#"{"source":"s","as_of":"d","models":{"m":{"input":"1.0"}}}"#, "models.m.input must be a number of USD per 1M tokens, 0 or more (found a string)"),
        (#"{"source":"s","as_of":"d","models":{"m":{"input":-1}}}"#, "models.m.input must be a number"),
        (#"{"source":"s","as_of":"d","models":{"m":{"output":1}}}"#, "models.m.input must be a number"),
        (#"{"source":"s","as_of":"d","models":{"m":{"input":1,"cached":0.5}}}"#, "models.m has an unknown member 'cached'"),
        (#"{"source":"s","as_of":"d","modles":{}}"#, "unknown member 'modles'"),
    ])
    func aMalformedOverrideIsRefusedNamingTheFileAndTheProblem(text: String, problem: String) throws {
        let directory = try TemporaryDirectory(prefix: "prices")
        defer { directory.remove() }
        let path = directory.path + "/bad.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: PriceTableError.self) { try PriceTable.load(path: path) }
        #expect(error?.description.hasPrefix(path + ": ") == true)
        #expect(error?.description.contains(problem) == true, "\(error?.description ?? "")")
    }

    @Test func aMissingOverrideFileIsRefused() {
        let error = #expect(throws: PriceTableError.self) { try PriceTable.load(path: "/nonexistent/prices.json") }
        #expect(error?.description.contains("/nonexistent/prices.json: cannot be read") == true)
    }
}
