import ArgumentParser
import Foundation
import InputBuilder
import JSON
import Logging
import OutputParser

/// `batch-openai parse`: a downloaded batch's results → `docs/` and `index.json`.
struct ParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Turn a downloaded batch's output.jsonl and errors.jsonl into documents and index.json.",
        discussion: """
        Reads outputs/<batch_id>/output.jsonl and errors.jsonl (written by \
        `batch-openai download <batch_id>`, or by run) line by line and \
        writes one document per result under outputs/<batch_id>/docs/, named \
        after the result's custom_id:

          <class_path>.<method>.m3type_<type>
              -> docs/<id>.business.md, .tech.md (tech*) or .md
          <proc>/<topic>/seg-<NNN>
              -> docs/<proc>/<topic>/seg-<NNN>.md (or .puml)
              and docs/<proc>/final.md: all segments, topic then segment order
          anything else
              -> docs/<id>.md

        Markdown documents start with YAML front matter (custom_id, batch_id, \
        type, class_path, method). Segments become .puml when their template \
        says `format: puml` (read from --prompts) or the answer is a PlantUML \
        block. Embeddings and moderations results are data, not documents: \
        they go to docs/embeddings.jsonl and docs/moderations.jsonl, one line \
        per result in input order.

        index.json lists every request of the batch: processed, skipped, error \
        (with the API's error), ok (in a data file), missing (an input \
        custom_id no result file lists: the request never ran) or pending \
        (outside --only, never parsed).

        Existing documents are skipped, so a second parse changes nothing; \
        --force rewrites them, --only limits the run to some custom_ids (the \
        other entries of index.json stay as they were). An --only id the \
        batch does not have is an error.

        Examples:
          batch-openai parse batch_abc123
          batch-openai parse batch_abc123 --force --only billing/tech/seg-002
          batch-openai parse batch_abc123 --json | jq .processed

        Exit status: 0 success; 1 failure (results not downloaded: see \
        download; an --only id the batch does not have; docs/ not writable); 2 usage.
        """
    )

    @Argument(help: "The batch id (a folder under --outputs holding output.jsonl and/or errors.jsonl).")
    var batchID: String

    @Flag(help: "Rewrite documents that already exist.")
    var force = false

    @Option(name: .customLong("only"), help: ArgumentHelp("Parse only this custom_id (repeat for several).", valueName: "custom_id"))
    var only: [String] = []

    @Option(help: ArgumentHelp("The outputs folder (default: BATCH_OPENAI_OUTPUTS from the environment or .env, else ./outputs).", valueName: "dir"))
    var outputs: String?

    @Option(help: ArgumentHelp("Prompt templates whose `format: puml` topics become .puml files (default: ./prompts when present).", valueName: "dir"))
    var prompts: String?

    @Flag(help: "Print the result as JSON on stdout (for scripts).")
    var json = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if batchID.isEmpty || batchID.contains("/") || batchID == "." || batchID == ".." {
            throw ValidationError("'\(batchID)' is not a batch id (it must be a plain folder name such as batch_abc123)")
        }
    }

    func run() async throws {
        // --outputs, else BATCH_OPENAI_OUTPUTS from the environment or .env, else ./outputs.
        let outputsDirectory = try outputs ?? common.settings().outputsDirectory
        let batchDirectory = outputsDirectory + "/" + batchID
        // Logs go to stderr, as every command's, so stdout stays clean for --json; warnings unless --log-level.
        let logger = try common.logger(label: "batch-openai.parse", defaultLevel: .warning)
        do {
            var options = ParseOptions(force: force, only: only.isEmpty ? nil : Set(only))
            options.topicFormats = try topicFormats()
            let index = try ResultParser(logger: logger).parse(
                batchDirectory: batchDirectory, batchID: batchID, options: options
            )
            let indexFile = batchDirectory + "/index.json"
            let missing = Set(index.items.filter { $0.status == .missing }.compactMap(\.customID))
            for id in only where missing.contains(id) {
                Console.error("Warning: --only \(id) has no result line (missing: the request never ran)")
            }
            if json {
                let report: JSONValue = [
                    "batch_id": .string(index.batchID), "docs_dir": .string(index.docsDirectory),
                    "index_file": .string(indexFile), "processed": .number(Double(index.processed)),
                    "skipped": .number(Double(index.skipped)), "failed": .number(Double(index.failed)),
                    "missing": .number(Double(index.missing)),
                    "finals": .array(index.finals.map(JSONValue.string)),
                ]
                var writer = JSONWriter()
                writer.write(report)
                print(String(decoding: writer.bytes, as: UTF8.self))
            } else {
                let missing = index.missing > 0 ? ", \(index.missing) missing (never ran)" : ""
                print("\(index.batchID): \(index.processed) written, \(index.skipped) skipped (already there), \(index.failed) failed\(missing)")
                if !index.finals.isEmpty { print("final documents: \(index.finals.joined(separator: ", "))") }
                print("documents: \(index.docsDirectory)")
                print("index:     \(indexFile)")
                for item in index.items where item.status == .error {
                    let name = item.customID ?? item.source ?? "?"
                    print("  failed \(name): \(item.error?.code ?? "error"): \(item.error?.message ?? "")")
                }
            }
        } catch let error as ParseError where error.isMissingResults {
            throw CommandFailure("\(error): batch-openai download \(batchID)")
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// Formats of the topic templates, so `format: puml` topics are stored as `.puml`. The
    /// default ./prompts is only a hint: if it cannot be read, parse goes on (with a warning)
    /// and recognises PlantUML by content alone.
    private func topicFormats() throws -> [String: DocumentFormat] {
        let library: PromptLibrary
        if let prompts {
            library = try PromptLibrary.load(directory: prompts)
        } else {
            guard FileManager.default.fileExists(atPath: "prompts") else { return [:] }
            do {
                library = try PromptLibrary.load(directory: "prompts")
            } catch {
                Console.error("Warning: \(error); template formats ignored")
                return [:]
            }
        }
        return library.topicFormats.mapValues { $0 == .plantUML ? .plantUML : .markdown }
    }
}
