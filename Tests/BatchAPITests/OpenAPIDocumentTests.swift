import BatchAPI
import Foundation
import HTTPServer
import TestSupport
import Testing

/// The OpenAPI document lists exactly the routes the router serves, every `$ref` resolves, and the docs
/// page needs nothing from the network.
@Suite("OpenAPI document and docs page")
struct OpenAPIDocumentTests {
    static func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any])
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: Set<String> = []
        for (path, item) in paths {
            for method in ["get", "put", "post", "delete", "options", "head", "patch", "trace"] where item[method] != nil {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        let routed = Set(Endpoint.allCases.map { "\($0.method.rawValue) \($0.openAPIPath)" })
        #expect(routed == documented, "only routed: \(routed.subtracting(documented)); only documented: \(documented.subtracting(routed))")
        #expect(Endpoint.allCases.count == documented.count)
    }

    @Test func operationsHaveUniqueIDsAndDeclareTheirPathParameters() throws {
        let document = try Self.document()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var ids: [String] = []
        for (path, item) in paths {
            let shared = (item["parameters"] as? [[String: Any]]) ?? []
            for method in ["get", "post"] {
                guard let operation = item[method] as? [String: Any] else { continue }
                ids.append(try #require(operation["operationId"] as? String))
                let parameters = shared + ((operation["parameters"] as? [[String: Any]]) ?? [])
                let names = Set(try parameters.map { try Self.resolve($0, in: document) }.filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String })
                let templated = Set(path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
                #expect(names == templated, "\(method) \(path)")
                let responses = try #require(operation["responses"] as? [String: Any])
                #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(method) \(path) has no success response")
            }
        }
        #expect(Set(ids).count == ids.count)
    }

    @Test func everyReferenceResolves() throws {
        let document = try Self.document()
        var references: [String] = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                if let reference = object["$ref"] as? String { references.append(reference) }
                object.values.forEach(walk)
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(document)
        #expect(references.count > 50)
        for reference in Set(references) {
            #expect(throws: Never.self, "\(reference)") { _ = try Self.resolve(["$ref": reference], in: document) }
        }
    }

    @Test func errorResponsesAreProblemDocuments() throws {
        let document = try Self.document()
        let responses = try #require((document["components"] as? [String: Any])?["responses"] as? [String: [String: Any]])
        for name in ["BadRequest", "NotFound", "Conflict", "TooLarge", "InvalidInput", "BackendFailed", "TimedOut", "Internal"] {
            let content = try #require(responses[name]?["content"] as? [String: Any], "\(name)")
            #expect(content.keys.sorted() == ["application/problem+json"])
        }
        let problem = try Self.resolve(["$ref": "#/components/schemas/Problem"], in: document)
        #expect(Set(problem["required"] as? [String] ?? []) == ["type", "title", "status"])
    }

    @Test func theDocsPageIsSelfContainedAndRendersTheDocument() {
        let html = DocsPage.html
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains(#"fetch("openapi.json""#))
        // No script, style sheet, font or image from elsewhere.
        for pattern in ["src=\"http", "href=\"http", "src='http", "@import", "url(http", "//cdn", "https://"] {
            #expect(!html.contains(pattern), "\(pattern)")
        }
        #expect(html.contains("<script>") && html.contains("<style>"))
    }

    @Test func theStandardValidatorAcceptsTheDocumentWhenItIsInstalled() async throws {
        let probe = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", "import openapi_spec_validator"])
        guard probe.status == 0 else {
            // scripts/openapi-check.sh installs it and validates the served document; here it may be absent.
            print("openapi-spec-validator is not installed; scripts/openapi-check.sh runs the check")
            return
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/openapi.json"
        try Data(OpenAPIDocument.bytes).write(to: URL(fileURLWithPath: path))
        let result = try await ChildProcess.run("/usr/bin/env", ["python3", "-m", "openapi_spec_validator", path])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
    }

    static func resolve(_ node: [String: Any], in document: [String: Any]) throws -> [String: Any] {
        guard let reference = node["$ref"] as? String else { return node }
        var target: Any = document
        for part in reference.dropFirst(2).split(separator: "/") {
            target = try #require((target as? [String: Any])?[String(part)], "unresolved \(reference)")
        }
        return try #require(target as? [String: Any])
    }
}

/// The docs page's script run against the document with a minimal DOM, when Node.js is installed.
@Suite("docs page rendering")
struct DocsPageRenderingTests {
    @Test func theScriptRendersEveryPathParameterAndSchema() async throws {
        let probe = try await ChildProcess.run("/usr/bin/env", ["node", "--version"])
        guard probe.status == 0 else {
            print("node is not installed; the page's script is not run here")
            return
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let script = DocsPage.html.components(separatedBy: "<script>")[1].components(separatedBy: "</script>")[0]
        try script.write(toFile: directory.path + "/page.js", atomically: true, encoding: .utf8)
        try Data(OpenAPIDocument.bytes).write(to: URL(fileURLWithPath: directory.path + "/openapi.json"))
        let harness = """
        const fs = require("fs");
        const spec = JSON.parse(fs.readFileSync(process.argv[2] + "/openapi.json", "utf8"));
        const elements = {};
        global.document = { getElementById: (id) => (elements[id] = elements[id] || { textContent: "", innerHTML: "", value: "", addEventListener() {} }) };
        global.fetch = (url) => url === "openapi.json" ? Promise.resolve({ ok: true, json: () => Promise.resolve(spec) }) : Promise.reject(new Error(url));
        eval(fs.readFileSync(process.argv[2] + "/page.js", "utf8"));
        setTimeout(() => process.stdout.write(JSON.stringify({ title: elements.title.textContent, html: elements.content.innerHTML })), 200);
        """
        try harness.write(toFile: directory.path + "/run.js", atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run("/usr/bin/env", ["node", directory.path + "/run.js", directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        let rendered = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String])
        let html = try #require(rendered["html"])
        #expect(rendered["title"] == "batch-openai 1.0.0")
        for endpoint in Endpoint.allCases {
            #expect(html.contains(#"<span class="path">\#(endpoint.openAPIPath)</span>"#), "\(endpoint.openAPIPath)")
        }
        for text in ["input_path", "poll_interval", "do_parse", "respond-async", "application/problem+json", "RunResponse", "Schemas"] {
            #expect(html.contains(text), "\(text)")
        }
    }
}
