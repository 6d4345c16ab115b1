import Foundation
import JSON
import OpenAIClient
import Testing

@testable import OpenAISimulator

/// The hand-written JSON of result lines reads back as the same values.
@Suite struct ResultLineWriterTests {
    @Test func resultLinesRoundTrip() throws {
        let body: JSONValue = ["text": "quote \" backslash \\ newline \n tab \t bell \u{07} é 😀", "n": 3, "x": 2.5, "ok": true, "none": nil, "list": [1, "a"]]
        let line = JSONWriter.resultLine(
            id: "batch_req_1", customID: "c\"1", response: .init(statusCode: 200, requestID: "req_1", body: body), error: nil
        )
        let decoded = try JSONDecoder().decode(BatchResultLine.self, from: Data(line))
        #expect(decoded == BatchResultLine(id: "batch_req_1", customID: "c\"1", response: .init(statusCode: 200, requestID: "req_1", body: body)))
        let failed = JSONWriter.resultLine(id: "i", customID: "c", response: nil, error: .init(code: "batch_expired", message: "m"))
        #expect(String(decoding: failed, as: UTF8.self)
            == #"{"id":"i","custom_id":"c","response":null,"error":{"code":"batch_expired","message":"m"}}"#)
    }
}
