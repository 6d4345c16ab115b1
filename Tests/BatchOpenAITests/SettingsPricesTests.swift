import Foundation
import Testing

@testable import batch_openai

@Suite("BATCH_OPENAI_PRICES")
struct SettingsPricesTests {
    @Test func withoutTheVariableTheCommittedTableIsUsed() throws {
        let settings = try Settings(environment: [:])
        #expect(settings.pricesFile == nil)
        #expect(settings.prices.source == "https://platform.openai.com/docs/pricing")
        #expect(settings.description.contains("BATCH_OPENAI_PRICES=(not set)"))
    }

    @Test func theVariableReplacesTheTable() throws {
        let path = FileManager.default.temporaryDirectory.path + "/prices-\(UInt64.random(in: 0...UInt64.max)).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"source":"https://example.com","as_of":"2026-02-01","models":{"gpt-4o-mini":{"input":0.1,"cached_input":null,"output":0.4}}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let settings = try Settings(environment: ["BATCH_OPENAI_PRICES": path])
        #expect(settings.prices.asOf == "2026-02-01")
        #expect(settings.prices.models.count == 1)
    }

    @Test func aMalformedTableStopsStartUpNamingTheVariableTheFileAndTheProblem() throws {
        let path = FileManager.default.temporaryDirectory.path + "/prices-\(UInt64.random(in: 0...UInt64.max)).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"source":"s","as_of":"d","models":{"gpt-4o":{"input":"1.25"}}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: Settings.Invalid.self) { try Settings(environment: ["BATCH_OPENAI_PRICES": path]) }
        #expect(error?.description == "BATCH_OPENAI_PRICES=\(path): models.gpt-4o.input must be a number of USD per 1M tokens, 0 or more (found a string)")
    }
}
