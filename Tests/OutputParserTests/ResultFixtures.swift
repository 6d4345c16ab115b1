import Foundation
import Logging
import OutputParser
import TestSupport

/// Result lines as the Batch API writes them, and a batch folder to parse them in.
enum ResultFixtures {
    static func json(_ object: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static func chatBody(_ text: String) -> [String: Any] {
        ["id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-mini-2024-07-18",
         "choices": [["index": 0, "message": ["role": "assistant", "content": text], "finish_reason": "stop"]]]
    }

    /// A chat completion result line.
    static func chat(_ id: String, _ text: String, stringBody: Bool = false) -> String {
        let body: Any = stringBody ? json(chatBody(text)) : chatBody(text)
        return json(["id": "batch_req_1", "custom_id": id, "error": NSNull(),
                     "response": ["status_code": 200, "request_id": "req_1", "body": body]])
    }

    /// A Responses API result line.
    static func responses(_ id: String, _ text: String) -> String {
        json(["id": "batch_req_2", "custom_id": id, "error": NSNull(),
              "response": ["status_code": 200, "request_id": "req_2", "body": [
                  "object": "response",
                  "output": [["type": "message", "role": "assistant",
                              "content": [["type": "output_text", "text": text, "annotations": [Any]()]]]],
              ]]])
    }

    /// A completions result line.
    static func completion(_ id: String, _ text: String) -> String {
        json(["id": "batch_req_3", "custom_id": id, "error": NSNull(),
              "response": ["status_code": 200, "request_id": "req_3", "body": [
                  "object": "text_completion", "choices": [["index": 0, "text": text]],
              ]]])
    }

    /// An `input.jsonl` of chat requests with these ids.
    static func inputLines(_ ids: [String]) -> String {
        ids.map { id in
            json(["custom_id": id, "method": "POST", "url": "/v1/chat/completions",
                  "body": ["model": "gpt-4o-mini", "messages": [["role": "user", "content": "Hello"]]]]) + "\n"
        }.joined()
    }

    /// An embeddings result line, written by hand so the numbers' exact digits are known; `vectors` are
    /// the JSON texts of the `data` items' `embedding`, in `data` order with their `index`.
    static func embedding(_ id: String, _ vectors: [(index: Int, text: String)], stringBody: Bool = false) -> String {
        let data = vectors.map { #"{"object":"embedding","index":\#($0.index),"embedding":\#($0.text)}"# }.joined(separator: ",")
        let body = #"{"object":"list","data":[\#(data)],"model":"text-embedding-3-small","usage":{"prompt_tokens":2,"total_tokens":2}}"#
        let bodyJSON = stringBody ? json([body]).dropFirst().dropLast().description : body
        return #"{"id":"batch_req_e","custom_id":\#(json([id]).dropFirst().dropLast()),"response":{"status_code":200,"request_id":"req_e","body":\#(bodyJSON)},"error":null}"#
    }

    /// A moderations result line; `results` is the JSON text of the body's `results`.
    static func moderation(_ id: String, results: String) -> String {
        #"{"id":"batch_req_m","custom_id":"\#(id)","response":{"status_code":200,"request_id":"req_m","body":{"id":"modr-1","model":"omni-moderation-latest","results":\#(results)}},"error":null}"#
    }

    /// An expired request (error file, no response).
    static func expired(_ id: String) -> String {
        json(["id": "batch_req_4", "custom_id": id, "response": NSNull(),
              "error": ["code": "batch_expired", "message": "This request could not be executed before the completion window expired."]])
    }

    /// A request that got a 4xx response (error file).
    static func rejected(_ id: String) -> String {
        json(["id": "batch_req_5", "custom_id": id, "error": NSNull(),
              "response": ["status_code": 400, "request_id": "req_5", "body": [
                  "error": ["message": "Missing required parameter: 'messages'.", "type": "invalid_request_error",
                            "param": "messages", "code": NSNull()],
              ]]])
    }
}

/// A temporary `outputs/<batch_id>/` folder with result files.
struct BatchFolder {
    let root: TemporaryDirectory
    let batchID = "batch_test"
    var path: String { root.path + "/" + batchID }
    var docs: String { path + "/docs" }

    init(output: [String]? = nil, errors: [String]? = nil) throws {
        root = try TemporaryDirectory(prefix: "output-parser")
        try FileManager.default.createDirectory(atPath: root.path + "/" + batchID, withIntermediateDirectories: true)
        if let output { try write("output.jsonl", output.map { $0 + "\n" }.joined()) }
        if let errors { try write("errors.jsonl", errors.map { $0 + "\n" }.joined()) }
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path + "/" + name))
    }

    @discardableResult
    func parse(_ options: ParseOptions = ParseOptions()) throws -> ParseIndex {
        try ResultParser(logger: Logger(label: "test")).parse(batchDirectory: path, batchID: batchID, options: options)
    }

    func document(_ relative: String) -> String? {
        FileManager.default.contents(atPath: docs + "/" + relative).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every file under `docs/`, relative, sorted.
    func files() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: docs)
        var files: [String] = []
        while let next = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: docs + "/" + next, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files.append(next) }
        }
        return files.sorted()
    }

    /// Path → (size, modification time, inode) of every file, to prove a run changed nothing.
    func snapshot() -> [String: String] {
        var result: [String: String] = [:]
        for file in files() {
            var info = stat()
            guard stat(docs + "/" + file, &info) == 0 else { continue }
            result[file] = "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ino)"
        }
        return result
    }
}
