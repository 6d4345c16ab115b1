import ArgumentParser
import BatchCore
import Foundation

/// The request file `create` uploads: a JSONL the user gave (`--input`), or one written to a temporary
/// file from the Go example's inline spec (`--requests`, `--file`). Either way it has passed the Batch
/// API's rules locally, so the upload does not fail late on a bad line.
struct BatchInput {
    /// The file to upload.
    let path: String
    /// The name the upload carries.
    let filename: String
    /// The validator's verdict (request count, endpoint, model).
    let report: InputValidationReport
    /// Whether `path` is ours to remove.
    let isTemporary: Bool

    /// The endpoint of the requests (`/v1/chat/completions` for a spec).
    var endpoint: String { report.endpoint ?? "/v1/chat/completions" }

    /// An example of the spec, for messages.
    static let specExample = "--requests \"system: You are helpful. || user: Hello /// user: How are you?\""

    /// Parses the Go example's spec. A spec that cannot be read is a usage error (exit code 2) naming
    /// `origin` (`--requests`, `--file requests.txt`) and the request and message at fault.
    static func parseSpec(_ text: String, origin: String) throws -> InlineRequestSpec {
        do {
            return try InlineRequestSpec(parsing: text)
        } catch {
            throw ValidationError("\(origin): \(error)\n  e.g. \(specExample)")
        }
    }

    /// The text of a spec file (`--file`); a file that cannot be read is a failure naming it.
    static func readSpecFile(_ file: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: file) else {
            let reason = FileManager.default.fileExists(atPath: file) ? "cannot be read" : "no such file"
            throw CommandFailure("--file \(file): \(reason) (expected a text file of requests such as \"user: Hello /// user: How are you?\")")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("--file \(file): not UTF-8 text")
        }
        return text
    }

    /// Writes the spec's requests to a temporary JSONL file (mode 0600), checked like any input.
    static func fromSpec(_ spec: InlineRequestSpec, origin: String, model: String) throws -> BatchInput {
        let body = spec.requestLines(model: model).joined(separator: "\n") + "\n"
        let path = NSTemporaryDirectory() + "/batch-openai-\(UUID().uuidString).jsonl"
        guard FileManager.default.createFile(atPath: path, contents: Data(body.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CommandFailure("cannot write the request file \(path) (is \(NSTemporaryDirectory()) writable?)")
        }
        let report: InputValidationReport
        do {
            report = try InputFileCheck.validate(path: path)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        let input = BatchInput(path: path, filename: "batch_input.jsonl", report: report, isTemporary: true)
        guard report.isValid else {
            // The spec parsed but a rule of the API still refuses it (e.g. more than 50,000 requests).
            input.remove()
            throw InputFileCheck.rejection(report, file: origin)
        }
        return input
    }

    /// Validates a ready JSONL (`--input`): every bad line is printed with its number and nothing is uploaded.
    /// A `.gz` is inflated into a temporary file first (the Batch API takes plain JSONL), which is what is
    /// checked and uploaded, under the name without `.gz`.
    static func fromJSONL(_ file: String) async throws -> BatchInput {
        guard GzipInput.isGzipped(file) else {
            let report = try InputFileCheck.validate(path: file)
            guard report.isValid else { throw InputFileCheck.rejection(report, file: file) }
            let filename = URL(fileURLWithPath: file).lastPathComponent
            return BatchInput(path: file, filename: filename, report: report, isTemporary: false)
        }
        let inflated = try await GzipInput.inflateToTemporary(file, in: NSTemporaryDirectory(), prefix: "batch-openai-")
        let input: BatchInput
        do {
            input = BatchInput(path: inflated, filename: GzipInput.inflatedName(file), report: try InputFileCheck.validate(path: inflated), isTemporary: true)
        } catch {
            try? FileManager.default.removeItem(atPath: inflated)
            throw error
        }
        guard input.report.isValid else {
            input.remove()
            throw InputFileCheck.rejection(input.report, file: file)
        }
        return input
    }

    /// Removes the temporary file, if this input made one.
    func remove() {
        if isTemporary { try? FileManager.default.removeItem(atPath: path) }
    }
}
