import Foundation
import InputBuilder
import Testing
import TestSupport

/// Templates and payloads for the builder.
enum BuilderFixtures {
    static let business = """
    ---
    system: You are a business analyst.
    ---
    {{process.title}} ({{process.id}}) part {{segment.index}}/{{segment.count}}:
    {{segment}}
    """
    static let sequence = """
    ---
    system: "Diagrams only: @startuml ... @enduml"
    format: puml
    model: gpt-4o-mini
    ---
    Draw {{process.id}}:
    {{segment}}
    """
    static let methodBusiness = "Explain {{class_path}}.{{method}}:\n{{code}}"

    static func library() throws -> PromptLibrary {
        PromptLibrary(
            topics: [
                "business": try PromptTemplate(name: "business", displayPath: "prompts/business.md", text: business),
                "sequence": try PromptTemplate(name: "sequence", displayPath: "prompts/sequence.md", text: sequence),
            ],
            methodTypes: [
                "business": try PromptTemplate(name: "business", displayPath: "prompts/methods/business.md", text: methodBusiness),
                "tech": try PromptTemplate(name: "tech", displayPath: "prompts/methods/tech.md", text: "Tech {{method}}"),
            ]
        )
    }

    static func payload(_ object: [String: Any]) -> Data {
        try! JSONSerialization.data(withJSONObject: object)
    }

    static var sample: [String: Any] { [
        "model": "gpt-4o-mini",
        "defaults": ["temperature": 0.2, "max_tokens": 500, "top_p": 1],
        "processes": [["id": "billing", "title": "Billing", "context": "line one\nline two\nline three\n", "max_segment_chars": 18]],
        "methods": [["class_path": "com.acme.Foo", "method": "bar", "code": "func bar() {}", "types": ["business", "tech_resume"]]],
    ] }
}

struct RequestBuilderTests {
    @Test func buildsOneLinePerProcessTopicSegmentAndMethodType() throws {
        let output = try RequestBuilder(prompts: BuilderFixtures.library()).build(payload: BuilderFixtures.payload(BuilderFixtures.sample))
        #expect(output.requests.map(\.customID) == [
            "billing/business/seg-001", "billing/business/seg-002",
            "billing/sequence/seg-001", "billing/sequence/seg-002",
            "com.acme.Foo.bar.m3type_business", "com.acme.Foo.bar.m3type_tech_resume",
        ])
        #expect(output.model == "gpt-4o-mini")
        let first = output.requests[0].line
        #expect(first.hasPrefix(#"{"custom_id":"billing/business/seg-001","method":"POST","url":"/v1/chat/completions","body":{"#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        let body = try #require(object["body"] as? [String: Any])
        #expect(body["model"] as? String == "gpt-4o-mini")
        #expect((body["max_tokens"] as? NSNumber)?.intValue == 500)
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages == [
            ["role": "system", "content": "You are a business analyst."],
            ["role": "user", "content": "Billing (billing) part 1/2:\nline one\nline two\n"],
        ])
        #expect(output.requests[2].format == .plantUML)
        #expect(output.requests[4].line.contains(#""content":"Explain com.acme.Foo.bar:\nfunc bar() {}""#))
        // tech_resume falls back to the `tech` template.
        #expect(output.requests[5].line.contains(#""content":"Tech bar""#))
        #expect(output.requests[0].contextPath == "billing/business/seg-001.md")
    }

    @Test func isDeterministic() throws {
        let builder = RequestBuilder(prompts: try BuilderFixtures.library())
        let first = try builder.build(payload: BuilderFixtures.payload(BuilderFixtures.sample)).jsonl
        // Re-serialised payload: key order in the input must not matter either.
        let second = try builder.build(payload: BuilderFixtures.payload(BuilderFixtures.sample)).jsonl
        #expect(first == second)
    }

    @Test func writesFilesByteIdenticallyAndPersistsContext() throws {
        let directory = try TemporaryDirectory(prefix: "input-builder")
        defer { directory.remove() }
        let prompts = directory.path + "/prompts"
        try FileManager.default.createDirectory(atPath: prompts + "/methods", withIntermediateDirectories: true)
        try Data(BuilderFixtures.business.utf8).write(to: URL(fileURLWithPath: prompts + "/business.md"))
        try Data(BuilderFixtures.sequence.utf8).write(to: URL(fileURLWithPath: prompts + "/sequence.md"))
        try Data(BuilderFixtures.methodBusiness.utf8).write(to: URL(fileURLWithPath: prompts + "/methods/business.md"))
        try Data("Tech {{method}}".utf8).write(to: URL(fileURLWithPath: prompts + "/methods/tech.md"))
        let payload = directory.path + "/payload.json"
        try BuilderFixtures.payload(BuilderFixtures.sample).write(to: URL(fileURLWithPath: payload))
        let builder = RequestBuilder(prompts: try PromptLibrary.load(directory: prompts))
        let out1 = directory.path + "/inputs/payloads/a.jsonl"
        let out2 = directory.path + "/inputs/payloads/b.jsonl"
        let context = directory.path + "/inputs/by_process"
        try builder.build(payloadPath: payload, outputPath: out1, contextDirectory: context)
        try builder.build(payloadPath: payload, outputPath: out2)
        let bytes1 = try #require(FileManager.default.contents(atPath: out1))
        #expect(bytes1 == FileManager.default.contents(atPath: out2))
        #expect(bytes1.last == 0x0A)
        #expect(String(decoding: bytes1, as: UTF8.self).split(separator: "\n").count == 6)
        let compiled = try #require(FileManager.default.contents(atPath: context + "/billing/sequence/seg-002.md"))
        #expect(String(decoding: compiled, as: UTF8.self).contains("Draw billing:\nline three"))
        #expect(FileManager.default.fileExists(atPath: context + "/_methods/com.acme.Foo.bar/business.md"))
        // As the seed says: a JSONL per process (its own lines of the file), the context pack per topic.
        let lines = String(decoding: bytes1, as: UTF8.self).split(separator: "\n")
        let billing = try #require(FileManager.default.contents(atPath: context + "/billing.jsonl"))
        #expect(String(decoding: billing, as: UTF8.self).split(separator: "\n") == lines.filter { $0.contains(#""custom_id":"billing/"#) })
        let methods = try #require(FileManager.default.contents(atPath: context + "/_methods.jsonl"))
        #expect(String(decoding: methods, as: UTF8.self).split(separator: "\n") == lines.filter { !$0.contains(#""custom_id":"billing/"#) })
        for topic in ["business", "sequence"] {
            let pack = String(decoding: try #require(FileManager.default.contents(atPath: context + "/billing/\(topic)/context.md")), as: UTF8.self)
            #expect(pack.contains("topic: \(topic)\nsegments: 2\n"))
            #expect(pack.contains("## Segment 1 of 2\n\nline one"))
            #expect(pack.contains("## Segment 2 of 2\n\nline three"))
        }
    }

    /// A JSON error in a payload of several lines names the line and the column, as an editor counts them.
    @Test func invalidJSONNamesLineAndColumn() throws {
        let builder = RequestBuilder(prompts: try BuilderFixtures.library())
        let text = "{\n  \"model\": \"m\",\n  \"processes\": [ {\"id\": \"pé\",, } ]\n}\n"
        #expect {
            try builder.build(payload: Data(text.utf8), name: "p.json")
        } throws: { error in
            "\(error)" == "p.json: is not valid JSON: expected a quoted member name at line 3, column 30"
        }
    }

    @Test func aMissingPayloadSaysNoSuchFile() throws {
        let builder = RequestBuilder(prompts: try BuilderFixtures.library())
        #expect {
            try builder.build(payloadPath: "/nonexistent/payload.json", outputPath: "/nonexistent/out.jsonl")
        } throws: { error in
            "\(error)" == "/nonexistent/payload.json: no such file"
        }
    }

    @Test(arguments: [
        (#"{"model":"m","processes":[{"id":"a","context":"x"},{"id":"b","context":"x"},{"title":"t","context":"x"}]}"#,
         "processes[2].id is missing"),
        (#"{"model":"m","processes":[{"id":3,"context":"x"}]}"#, "processes[0].id must be a string"),
        (#"{"model":"m","processes":[{"id":"a/b","context":"x"}]}"#, "processes[0].id must not contain / (it is part of the custom_id)"),
        (#"{"model":"m","processes":[{"id":"a"}]}"#, "processes[0].context is missing (give context or sources)"),
        (#"{"model":"m","processes":[{"id":"a","context":"x","sources":[]}]}"#, "processes[0] has both context and sources: give one"),
        (#"{"model":"m","processes":[{"id":"a","sources":[{"path":"p"}]}]}"#, "processes[0].sources[0].content is missing"),
        (#"{"model":"m","processes":[{"id":"a","context":"x","max_segment_chars":0}]}"#, "processes[0].max_segment_chars must be a positive integer"),
        (#"{"model":"m","processes":[{"id":"a","context":"x","max_segment_chars":true}]}"#, "processes[0].max_segment_chars must be a positive integer"),
        (#"{"model":"m","processes":[{"id":"a","context":"x","topics":["business","tehc"]}]}"#,
         "processes[0].topics[1] names topic tehc, which has no template (known: business, sequence)"),
        (#"{"model":"m","processes":"nope"}"#, "processes must be an array"),
        (#"{"model":"m","methods":[{"class_path":"A","method":"b.c","code":"x"}]}"#, "methods[0].method must not contain . (it is part of the custom_id)"),
        (#"{"model":"m","methods":[{"class_path":"A","method":"b"}]}"#, "methods[0].code is missing"),
        (#"{"model":"m","methods":[{"class_path":"A","method":"b","code":"x","types":["nope"]}]}"#,
         "methods[0].types[0] names type nope, which has no template (methods/nope.md or nope.md)"),
        (#"{"model":"m"}"#, "the payload has no processes and no methods: nothing to build"),
        (#"{"model":"m","proceses":[]}"#, "proceses is not a payload field (expected model, defaults, processes, methods)"),
        (#"{"model":"m","defaults":{"messages":[]},"processes":[{"id":"a","context":"x"}]}"#, "defaults.messages is not allowed (the builder sets it)"),
        (#"{"processes":[{"id":"a","context":"x","topics":["business"]}]}"#,
         "model is missing (give it in the payload or in prompts/business.md's front matter)"),
        (#"{"model":"gpt-4o","processes":[{"id":"a","context":"x"}]}"#,
         "model differs between requests: gpt-4o (the payload), gpt-4o-mini (prompts/sequence.md); the Batch API takes one model per file"),
        (#"{"model":"m","processes":[{"id":"a","context":"x","topics":["business"]},{"id":"a","context":"y","topics":["business"]}]}"#,
         "processes[1] produces custom_id a/business/seg-001, as processes[0] already does"),
    ])
    func payloadErrorsNameThePlace(payload: String, message: String) throws {
        let builder = RequestBuilder(prompts: try BuilderFixtures.library())
        #expect {
            try builder.build(payload: Data(payload.utf8))
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test func invalidJSONNamesTheFile() throws {
        let builder = RequestBuilder(prompts: try BuilderFixtures.library())
        #expect {
            try builder.build(payload: Data("{".utf8), name: "inputs/p.json")
        } throws: { error in
            "\(error)".hasPrefix("inputs/p.json: is not valid JSON")
        }
    }

    @Test func methodPlaceholderInAProcessTemplateIsNamed() throws {
        let library = PromptLibrary(topics: [
            "odd": try PromptTemplate(name: "odd", displayPath: "prompts/odd.md", text: "---\nformat: md\n---\n\nHi\n{{code}}"),
        ])
        #expect {
            try RequestBuilder(prompts: library).build(payload: BuilderFixtures.payload(["model": "m", "processes": [["id": "a", "context": "x"]]]))
        } throws: { error in
            "\(error)" == "prompts/odd.md line 6: placeholder {{code}} has no value for processes[0] (a process)"
        }
    }
}
