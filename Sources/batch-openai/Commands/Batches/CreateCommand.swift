import ArgumentParser
import OpenAIClient

/// `batch-openai create`: the Go example's `-action create`: requests → JSONL → upload → batch.
struct CreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a batch from inline requests, a spec file or a ready JSONL file.",
        discussion: """
        Give the requests one of three ways:

          --requests SPEC  inline, in the Go example's format
          --file PATH      the same spec in a text file (newlines are fine)
          --input FILE     a ready JSONL of request lines (or a .jsonl.gz)

        In a spec, '///' separates requests, '||' separates the messages \
        of a request, and each message is 'role: content' (system, user, \
        assistant or developer). Spec requests go to /v1/chat/completions \
        with --model (default BATCH_OPENAI_MODEL, else gpt-4o-mini) and custom_ids 1, 2, 3 …

        An --input file is checked against the Batch API's rules first: \
        every bad line is reported with its number and nothing is uploaded. \
        A .jsonl.gz is inflated into a temporary file first (at most 200 MB \
        inflated, the Batch API's limit); that JSONL is checked and uploaded.

        The requests are written to a temporary JSONL file, uploaded \
        (purpose batch), and the batch is created on OPENAI_BASE_URL with \
        OPENAI_API_KEY (from ./.env or the environment). Follow it with get.

        Examples:
          batch-openai create --requests \\
            "system: You are helpful. || user: Hello /// user: How are you?"
          echo "user: Hello /// user: How are you?" > requests.txt
          batch-openai create --file requests.txt --model gpt-4o \\
            --metadata project=demo
          batch-openai create --input inputs/sample_input.jsonl --json \\
            | jq -r .id

        Exit status: 0 created; 1 failure (invalid input lines, the backend \
        refused); 2 usage (a malformed spec, no requests given).
        """
    )

    @Option(help: ArgumentHelp("Inline requests: \"system: … || user: … /// user: …\".", valueName: "spec"))
    var requests: String?

    @Option(help: ArgumentHelp("A file holding the same spec as --requests.", valueName: "path"))
    var file: String?

    @Option(help: ArgumentHelp("A ready JSONL file of request lines (.jsonl, or .jsonl.gz: inflated first).", valueName: "file.jsonl"))
    var input: String?

    @Option(help: ArgumentHelp("The model of spec requests (default BATCH_OPENAI_MODEL, else gpt-4o-mini; --input lines name their own).", valueName: "name"))
    var model: String?

    @Option(help: ArgumentHelp("The completion window.", valueName: "window"))
    var completionWindow: String = "24h"

    @Option(help: ArgumentHelp("Metadata for the batch, key=value (repeatable, up to 16).", valueName: "key=value"))
    var metadata: [String] = []

    @Flag(help: "Print the created Batch object as JSON.")
    var json = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        let given = [("--requests", requests), ("--file", file), ("--input", input)].filter { $0.1 != nil }.map(\.0)
        if given.isEmpty {
            throw ValidationError("expected the requests: --requests SPEC, --file PATH (the same spec in a file) or --input FILE.jsonl")
        }
        if given.count > 1 {
            throw ValidationError("\(given.joined(separator: " and ")) both give requests; use one of --requests, --file or --input")
        }
        if input != nil, model != nil {
            throw ValidationError("--model applies to --requests and --file; the lines of --input name their own model")
        }
        if let model, model.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--model must not be empty")
        }
        _ = try MetadataOption.parse(metadata)
        // A malformed spec is a usage error, reported with this command's usage.
        if let requests { _ = try BatchInput.parseSpec(requests, origin: "--requests") }
        if let file, let text = try? BatchInput.readSpecFile(file) { _ = try BatchInput.parseSpec(text, origin: "--file \(file)") }
    }

    func run() async throws {
        let metadata = try MetadataOption.parse(metadata)
        let modelName = try model ?? common.settings().defaultModel
        // Check the requests before connecting: a bad spec or line is reported even without a key.
        let batchInput: BatchInput
        if let requests {
            let spec = try BatchInput.parseSpec(requests, origin: "--requests")
            batchInput = try BatchInput.fromSpec(spec, origin: "--requests", model: modelName)
        } else if let file {
            let spec = try BatchInput.parseSpec(try BatchInput.readSpecFile(file), origin: "--file \(file)")
            batchInput = try BatchInput.fromSpec(spec, origin: "--file \(file)", model: modelName)
        } else {
            batchInput = try await BatchInput.fromJSONL(input ?? "")
        }
        defer { batchInput.remove() }

        let connection = try BackendConnection.make(common: common, label: "batch-openai.create")
        let summary = BatchSummary(style: .forStandardOutput)
        if !json {
            let count = batchInput.report.requestCount
            let what = "\(count) request\(count == 1 ? "" : "s") to \(batchInput.endpoint) with \(batchInput.report.model ?? modelName)"
            Console.out(summary.heading("🚀", "Creating a batch of \(what)."))
        }
        let uploaded = try await connection.call("uploading \(batchInput.filename)") {
            try await $0.uploadFile(path: batchInput.path, filename: batchInput.filename, purpose: "batch")
        }
        let request = CreateBatchRequest(
            inputFileID: uploaded.id, endpoint: batchInput.endpoint, completionWindow: completionWindow, metadata: metadata
        )
        let batch = try await connection.call("creating the batch (input file \(uploaded.id))") {
            try await $0.createBatch(request)
        }
        if json {
            try JSONOutput.print(batch)
            return
        }
        Console.out(summary.heading("🆕", "Batch created."))
        summary.detailLines(batch).forEach(Console.out)
        Console.out(summary.heading("🎉", "Done. Follow it with: batch-openai get --id \(batch.id)"))
    }
}
