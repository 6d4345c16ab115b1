import BatchCore
import Testing

@Suite("CustomIDSet and a job's scope")
struct CustomIDSetTests {
    @Test func tellsANewIDFromOneSeenBefore() {
        var set = CustomIDSet()
        let long = String(repeating: "long-id-", count: 1_000)
        let answers = ["a", "b", "a", "", "", long, long].map { set.insert($0) }
        #expect(answers == [true, true, false, true, false, true, false])
        #expect(set.count == 4)
    }

    /// Past many doublings of the table every id is still found, and no two distinct ids collide.
    @Test func keepsEveryIDAcrossGrowth() {
        var set = CustomIDSet()
        let first = (0..<200_000).map { set.insert("request-\($0)") }
        #expect(first.allSatisfy { $0 })
        #expect(set.count == 200_000)
        let again = (0..<200_000).map { set.insert("request-\($0)") }
        #expect(!again.contains(true))
        let next = set.insert("request-200000")
        #expect(next)
    }

    @Test func aJobMixesModelsButKeepsEveryOtherRule() {
        let lines = [
            #"{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o","messages":[]}}"#,
            #"{"custom_id":"b","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[]}}"#,
            #"{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{"model":"gpt-4o","input":"x"}}"#,
        ]
        let text = Array((lines.joined(separator: "\n") + "\n").utf8)
        var batch = InputValidator()
        batch.consume(text)
        #expect(batch.finish().issues.map(\.code) == ["model_mismatch", "duplicate_custom_id", "url_mismatch"])
        var job = InputValidator(scope: .job)
        job.consume(text)
        #expect(job.finish().issues.map(\.code) == ["duplicate_custom_id", "url_mismatch"])
    }
}
