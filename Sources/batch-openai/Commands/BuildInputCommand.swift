import ArgumentParser
import Foundation
import InputBuilder
import JSON

/// `batch-openai build-input`: payload + prompt templates → a JSONL file of Batch API requests.
struct BuildInputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build-input",
        abstract: "Build a JSONL file of Batch API requests from a payload and prompt templates.",
        discussion: """
        The payload is JSON:

          {
            "model": "gpt-4o-mini",
            "defaults": { "temperature": 0.2 },     merged into every body
            "processes": [{
              "id": "billing", "title": "Monthly billing",
              "topics": ["business", "tech"],       default: every template
              "context": "..."                      or "sources":
                                                    [{"path", "content"}]
              "max_segment_chars": 12000
            }],
            "methods": [{
              "class_path": "com.acme.Foo", "method": "bar", "code": "...",
              "types": ["business", "tech_resume"]  default: prompts/methods/
            }]
          }

        A process's context is cut into segments on line boundaries (at most \
        max_segment_chars each). One request per process x topic x segment, \
        custom_id <proc>/<topic>/seg-001; one per method x type, custom_id \
        <class_path>.<method>.m3type_<type>.

        Templates: <prompts>/<topic>.md for topics; for method types \
        <prompts>/methods/<type>.md, then methods/<prefix>.md (tech_resume -> \
        tech), then the topic templates. A template may start with front \
        matter (system: ..., format: md|puml, model: ...) and uses \
        {{process.id}}, {{process.title}}, {{segment}}, {{segment.index}}, \
        {{segment.count}}, {{class_path}}, {{method}}, {{code}}.

        The same payload and templates always give the same bytes. \
        --persist-context [dir] also writes, under dir (default \
        inputs/by_process, or --context-dir), what went into the requests: \
        a JSONL per process (<proc>.jsonl, its own lines), the context pack \
        of each topic (<proc>/<topic>/context.md: the context as its \
        segments) and each compiled prompt (<proc>/<topic>/seg-NNN.md); \
        methods under _methods/.

        Examples:
          batch-openai build-input --payload inputs/sample_payload.json \\
            --out inputs/payloads/sample.jsonl --persist-context
          batch-openai build-input --payload inputs/payload_sada.json \\
            --out inputs/payload_sada.jsonl --prompts prompts \\
            --persist-context inputs/compiled

        Exit status: 0 success; 1 invalid payload or template (the message \
        names the place); 2 usage.
        """
    )

    @Option(help: ArgumentHelp("The payload JSON file.", valueName: "file"))
    var payload: String

    @Option(help: ArgumentHelp("Where to write the JSONL (e.g. inputs/payloads/x.jsonl).", valueName: "file"))
    var out: String

    @Option(help: ArgumentHelp("The prompt templates folder.", valueName: "dir"))
    var prompts = "prompts"

    @Flag(help: ArgumentHelp("Also write a JSONL per process, the context packs per topic and the compiled prompts; a folder may follow (--persist-context inputs/compiled).", valueName: "dir"))
    var persistContext = false

    @Option(help: ArgumentHelp("Where --persist-context writes (the folder after --persist-context sets it too).", valueName: "dir"))
    var contextDir = "inputs/by_process"

    @Option(help: ArgumentHelp("The endpoint every line targets.", valueName: "url"))
    var endpoint = "/v1/chat/completions"

    @Flag(help: "Print the result as JSON on stdout (for scripts).")
    var json = false

    @OptionGroup var common: CommonOptions

    func run() async throws {
        _ = try common.settings()
        // The payload is what the user named first: a missing one is reported before the templates.
        guard FileManager.default.fileExists(atPath: payload) else { throw CommandFailure("\(payload): no such file") }
        do {
            let library = try PromptLibrary.load(directory: prompts)
            let builder = RequestBuilder(prompts: library, endpoint: endpoint)
            let output = try builder.build(
                payloadPath: payload, outputPath: out, contextDirectory: persistContext ? contextDir : nil
            )
            if json {
                var report: [String: JSONValue] = [
                    "out": .string(out), "requests": .number(Double(output.requests.count)), "model": .string(output.model),
                ]
                if persistContext { report["context_dir"] = .string(contextDir) }
                var writer = JSONWriter()
                writer.write(.object(report))
                print(String(decoding: writer.bytes, as: UTF8.self))
            } else {
                print("wrote \(output.requests.count) requests (model \(output.model)) to \(out)")
                if persistContext {
                    print("context under \(contextDir): a JSONL per process, context packs per topic, compiled prompts")
                }
            }
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
