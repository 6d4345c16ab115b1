/// Result lines as the Batch API writes them, one per endpoint, with the usage each reports.
enum UsageResultLines {
    /// A chat completion of a reasoning model: 1,200 prompt tokens (1,024 cached), 800 completion tokens
    /// (640 of them reasoning).
    static let chat = #"{"id":"batch_req_1","custom_id":"chat-1","response":{"status_code":200,"request_id":"req_1","body":{"id":"chatcmpl-1","object":"chat.completion","created":1711652795,"model":"o3-2025-04-16","choices":[{"index":0,"message":{"role":"assistant","content":"Hello.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1200,"completion_tokens":800,"total_tokens":2000,"prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":640,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"system_fingerprint":"fp_1"}},"error":null}"#

    /// A response (responses API): 2,048 input tokens (1,536 cached), 300 output tokens (256 reasoning).
    static let responses = #"{"id":"batch_req_2","custom_id":"resp-1","response":{"status_code":200,"request_id":"req_2","body":{"id":"resp_1","object":"response","created_at":1741476542,"status":"completed","model":"gpt-5-mini-2025-08-07","output":[{"type":"reasoning","id":"rs_1","summary":[]},{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hi","annotations":[]}]}],"usage":{"input_tokens":2048,"input_tokens_details":{"cached_tokens":1536},"output_tokens":300,"output_tokens_details":{"reasoning_tokens":256},"total_tokens":2348}}},"error":null}"#

    /// An embedding: 8 prompt tokens, no output.
    static let embedding = #"{"id":"batch_req_3","custom_id":"emb-1","response":{"status_code":200,"request_id":"req_3","body":{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023064255,-0.009327292,0.015797347,-0.0077780345]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}},"error":null}"#

    /// A request the API refused inside the output file: no usage.
    static let refused = #"{"id":"batch_req_4","custom_id":"bad-1","response":{"status_code":400,"request_id":"req_4","body":{"error":{"message":"Invalid model","type":"invalid_request_error","param":"model","code":null}}},"error":null}"#

    /// A line of the error file: no response at all.
    static let expired = #"{"id":"batch_req_5","custom_id":"exp-1","response":null,"error":{"code":"batch_expired","message":"This request could not be executed before the completion window expired."}}"#

    /// A moderation: a model but no usage.
    static let moderation = #"{"id":"batch_req_6","custom_id":"mod-1","response":{"status_code":200,"request_id":"req_6","body":{"id":"modr-1","model":"omni-moderation-2024-09-26","results":[{"flagged":false}]}},"error":null}"#

    /// A chat completion of a model no price table knows.
    static let unknownModel = #"{"id":"batch_req_7","custom_id":"x-1","response":{"status_code":200,"request_id":"req_7","body":{"object":"chat.completion","model":"acme-large-2025-01-01","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}},"error":null}"#

    /// Every line above, and a line that is not JSON, as one file.
    static var file: String {
        [chat, responses, embedding, refused, expired, moderation, unknownModel, "{not json", ""].joined(separator: "\n")
    }
}
