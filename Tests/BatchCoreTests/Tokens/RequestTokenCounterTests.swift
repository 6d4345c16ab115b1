@testable import BatchCore
import Testing

/// What a request line counts, with a vocabulary of single bytes only (a text's tokens are its UTF-8
/// bytes), so each rule's arithmetic shows.
struct RequestTokenCounterTests {
    let counter: RequestTokenCounter

    init() throws {
        counter = RequestTokenCounter(encodings: [try .make(.o200kBase), try .make(.cl100kBase)])
    }

    @Test func chatMessagesCarryOpenAIsOverhead() {
        let line = #"{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"messages":[{"role":"system","content":"Be brief."},{"role":"user","name":"ana","content":[{"type":"text","text":"Hi"},{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}],"model":"gpt-4o-mini","max_tokens":100}}"#
        // system: 3 + 6 + 9; user: 3 + 4 + (3 + 1) + 2; reply: 3.
        #expect(counter.tokens(ofLine: line) == RequestTokens(input: 18 + 13 + 3, outputCeiling: 100, exact: true))
    }

    @Test func escapedTextIsCountedDecoded() {
        let line = #"{"body":{"model":"gpt-4","messages":[{"role":"user","content":"a\nb\u00e9"}]}}"#
        // 3 + 4 ("user") + 5 ("a\nbé": é is two bytes) + 3.
        #expect(counter.tokens(ofLine: line) == RequestTokens(input: 15, exact: true))
    }

    @Test func responsesInputAndInstructions() {
        let line = #"{"body":{"model":"gpt-5","instructions":"Be kind.","input":[{"role":"user","content":[{"type":"input_text","text":"Hello"}]},{"type":"message","role":"assistant","content":"Yes"}],"max_output_tokens":50}}"#
        // instructions 8; user item 3 + 4 + 5; assistant item 3 + 9 + 3.
        #expect(counter.tokens(ofLine: line) == RequestTokens(input: 8 + 12 + 15, outputCeiling: 50, exact: true))
        let plain = #"{"body":{"model":"gpt-5","input":"Hello there","max_completion_tokens":7,"max_tokens":9}}"#
        #expect(counter.tokens(ofLine: plain) == RequestTokens(input: 11, outputCeiling: 9, exact: true))
    }

    @Test func embeddingsCountStringsAndTokenArrays() {
        let strings = #"{"url":"/v1/embeddings","body":{"model":"text-embedding-3-small","input":["one","three"]}}"#
        #expect(counter.tokens(ofLine: strings) == RequestTokens(input: 8, exact: true))
        let ids = #"{"url":"/v1/embeddings","body":{"model":"text-embedding-3-small","input":[1,2,3,4]}}"#
        #expect(counter.tokens(ofLine: ids) == RequestTokens(input: 4, exact: true))
        let nested = #"{"url":"/v1/embeddings","body":{"input":[[1,2],[3]],"model":"text-embedding-ada-002"}}"#
        #expect(counter.tokens(ofLine: nested) == RequestTokens(input: 3, exact: true))
    }

    @Test func completionsAndModerations() {
        let prompt = #"{"body":{"model":"gpt-3.5-turbo-instruct","prompt":"Say hi","max_tokens":5}}"#
        #expect(counter.tokens(ofLine: prompt) == RequestTokens(input: 6, outputCeiling: 5, exact: true))
        let moderation = #"{"url":"/v1/moderations","body":{"model":"gpt-4o-mini","input":[{"type":"text","text":"bad"},{"type":"image_url","image_url":{"url":"u"}}]}}"#
        #expect(counter.tokens(ofLine: moderation) == RequestTokens(input: 3, exact: true))
    }

    /// Without the model's vocabulary the count is the model's encoding's estimate; for a model without a
    /// known encoding, the larger of the two encodings' estimates.
    @Test func estimatesWithoutTheVocabulary() {
        let line = #"{"body":{"model":"gpt-4o","messages":[{"role":"user","content":"Hello world"}]}}"#
        let estimated = RequestTokenCounter().tokens(ofLine: line)
        #expect(estimated == RequestTokens(input: 6 + (Self.milli(.o200k, "user") + Self.milli(.o200k, "Hello world") + 999) / 1000))
        let unknown = counter.tokens(ofLine: #"{"body":{"model":"llama","input":"Hello"}}"#)
        #expect(unknown == RequestTokens(input: RequestTokenCounter.estimate("Hello", encoding: nil)))
        #expect(RequestTokenCounter.estimate("Hello", encoding: nil)
                    == max(RequestTokenCounter.estimate("Hello", encoding: .o200kBase), RequestTokenCounter.estimate("Hello", encoding: .cl100kBase)))
        #expect(counter.count("Hello", model: "gpt-4o") == (5, true))
        #expect(counter.count("Hello", model: nil).exact == false)
    }

    @Test(arguments: ["", "not json", "[1,2]", #"{"body":"text"}"#, #"{"body":{"messages":[{"role":"user","content":"x"}]"#])
    func linesThatAreNotRequestsCountZero(line: String) {
        #expect(counter.tokens(ofLine: line).input == 0)
    }

    static func milli(_ estimate: TokenEstimate, _ text: String) -> Int {
        Array(text.utf8).withUnsafeBufferPointer { estimate.milliTokens(utf8: $0) }
    }
}
