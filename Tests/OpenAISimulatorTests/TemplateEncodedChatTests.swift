import JSON
import OpenAIClient
import Testing

@testable import OpenAISimulator

/// The chat answer written straight as bytes is byte for byte the result line of the answer
/// `respond` gives, and only successful chat answers take that way.
@Suite struct TemplateEncodedChatTests {
    static let bodies: [String] = [
        #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Explain topic 7. the batch api runs requests"}]}"#,
        #"{"model":"gpt-4o","messages":[{"role":"system","content":"You draw a PlantUML diagram"},{"role":"user","content":"Draw Client and Server talking"}]}"#,
        ##"{"model":"m\"odel\\x","messages":[{"role":"user","content":[{"type":"text","text":"# Title\n\n- one\n- two\n- one\tthree \u00e9 \u2603"}]}]}"##,
        #"{"model":"gpt-4o-mini","messages":[{"role":"assistant","content":"earlier"},{"role":"user","content":"\u0001 control \r\n and \"quotes\""}]}"#,
        #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":""}]}"#,
        #"{"model":"gpt-4o-mini","messages":[{"role":"user"}]}"#,
    ]

    @Test func encodedChatMatchesTheResultLineOfRespond() async throws {
        let responder = TemplateResponder()
        var long = "Explain topic 1. "
        while long.utf8.count < 5000 { long += "the batch api runs requests within a day at half the price of synchronous calls\\n" }
        let bodies = Self.bodies + [#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"\#(long)"}]}"#]
        for text in bodies {
            let body = try JSONValue(parsing: text)
            let answer = await responder.respond(endpoint: "/v1/chat/completions", body: body)
            let encoded = try #require(responder.encodedChat(endpoint: "/v1/chat/completions", body: body), "\(text)")
            let expected = JSONWriter.resultLine(
                id: "batch_req_1", customID: "c-1",
                response: .init(statusCode: answer.statusCode, requestID: "req_1", body: answer.body), error: nil
            )
            let written = JSONWriter.resultLine(id: "batch_req_1", customID: "c-1", statusCode: 200, requestID: "req_1", writeBody: encoded.write)
            #expect(answer.statusCode == 200)
            #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
            #expect(encoded.usage == answer.usage)
        }
    }

    @Test func otherAnswersAreNotEncoded() throws {
        let responder = TemplateResponder()
        let cases: [(String, String)] = [
            ("/v1/chat/completions", #"{"model":"gpt-4o-mini","messages":[]}"#),
            ("/v1/chat/completions", #"{"model":"","messages":[{"role":"user","content":"hi"}]}"#),
            ("/v1/chat/completions", #"{"messages":[{"role":"user","content":"hi"}]}"#),
            ("/v1/chat/completions", #"["not an object"]"#),
            ("/v1/completions", #"{"model":"gpt-4o-mini","prompt":"hi"}"#),
            ("/v1/embeddings", #"{"model":"text-embedding-3-small","input":"hi"}"#),
        ]
        for (endpoint, text) in cases {
            let body = try JSONValue(parsing: text)
            #expect(responder.encodedChat(endpoint: endpoint, body: body) == nil, "\(endpoint) \(text)")
        }
    }
}
