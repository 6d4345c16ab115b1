import ArgumentParser
import BatchService
import Foundation
import Logging
import OpenAIClient

// `run --dry-run`: the plan of a job, printed; nothing uploaded, no backend call, no key needed.
extension RunCommand {
    /// The plan options are checked like every option (usage errors, exit 2).
    func validatePlanOptions() throws {
        if let maxCost, !(maxCost.isFinite && maxCost > 0) {
            throw ValidationError("--max-cost \(maxCost): expected US dollars above 0")
        }
        if let maxBatchLines, !JobLimits.apiLines.contains(maxBatchLines) {
            throw ValidationError("--max-batch-lines \(maxBatchLines): expected 1 to \(JobLimits.apiLines.upperBound) (the Batch API's limit)")
        }
        if let maxBatchBytes, !JobLimits.apiBytes.contains(maxBatchBytes) {
            throw ValidationError("--max-batch-bytes \(maxBatchBytes): expected 1 to \(JobLimits.apiBytes.upperBound) (the Batch API's 200 MB)")
        }
        if let enqueuedTokens {
            do {
                _ = try EnqueuedTokenBudget(parsing: enqueuedTokens)
            } catch {
                throw ValidationError("--enqueued-tokens \(error.description)")
            }
        }
    }

    /// The settings' job limits with this command's options over them.
    func jobLimits(_ settings: Settings) throws -> JobLimits {
        var limits = settings.jobLimits
        if let maxBatchLines { limits.maxBatchLines = maxBatchLines }
        if let maxBatchBytes { limits.maxBatchBytes = maxBatchBytes }
        if let enqueuedTokens { limits.enqueuedTokens = try EnqueuedTokenBudget(parsing: enqueuedTokens) }
        return limits
    }

    /// Plans the input and prints the plan; a refused input lists its bad lines (exit 1).
    func printPlan() async throws {
        let settings = try common.settings()
        let logger = try common.logger(label: "batch-openai.run", defaultLevel: .warning)
        let workspace: Workspace
        do {
            workspace = try Workspace(outputs: outputs ?? settings.outputsDirectory, inputs: settings.inputsDirectory)
        } catch {
            throw CommandFailure("cannot use the outputs/inputs folders: \(error)")
        }
        // The client is made but never called: planning reads files only.
        let client = OpenAI(configuration: OpenAI.Configuration(baseURL: settings.openAIBaseURL, apiKey: settings.openAIAPIKey), logger: logger)
        let coordinator = try await settings.coordinator(backend: client, workspace: workspace, logger: logger)
        let limits = try jobLimits(settings)
        let (submission, temporary) = try await planInput(workspace, maxBytes: limits.maxJobBytes)
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        let plan: JobPlan
        do {
            plan = try await coordinator.dryRunPlan(submission, jobName: jobName, limits: limits)
        } catch {
            if error.kind == .invalidInput, !error.issues.isEmpty {
                throw InputFileCheck.rejection(error.issues, total: error.issueCount, file: input, kind: "job input", ending: "")
            }
            throw CommandFailure("planning \(input): \(error.message)")
        }
        let summary = PlanSummary(plan, prices: coordinator.prices)
        if json { try JSONOutput.print(summary) } else { Self.describe(summary, file: input).forEach(Console.out) }
        if let maxCost, let reason = summary.cost?.overBudget(maxCostUSD: maxCost) {
            throw CommandFailure(reason + " A run with --max-cost \(maxCost) would submit nothing.")
        }
    }

    /// A file under inputs/ is named by path; any other is read where it is; a `.gz` elsewhere is inflated
    /// to a temporary file first (returned, for removal).
    private func planInput(_ workspace: Workspace, maxBytes: Int64) async throws -> (SubmissionInput, String?) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CommandFailure("\(input): no such file (expected a JSONL file of requests)")
        }
        if (try? workspace.inputFile(input)) != nil { return (.path(input), nil) }
        guard GzipInput.isGzipped(input) else { return (.uploadedFile(path: input, filename: GzipInput.inflatedName(input)), nil) }
        let inflated = try await GzipInput.inflateToTemporary(
            input, in: FileManager.default.temporaryDirectory.path, prefix: "batch-openai-plan-", maxBytes: Int(clamping: maxBytes)
        )
        return (.uploadedFile(path: inflated, filename: GzipInput.inflatedName(input)), inflated)
    }

    /// The plan as lines for a person.
    static func describe(_ summary: PlanSummary, file: String) -> [String] {
        let count = summary.batches.count
        var lines = [
            "\(file): \(summary.requestCount) requests, \(bytes(summary.byteCount)), \(count) batch\(count == 1 ? "" : "es") "
                + "(job \(summary.jobID); limits: \(summary.limits.maxBatchLines) requests, \(bytes(summary.limits.maxBatchBytes)) a batch"
                + (summary.limits.enqueuedTokens.text.isEmpty ? "" : ", enqueued tokens \(summary.limits.enqueuedTokens.text)") + ")",
            "",
            pad(["batch", "model", "requests", "bytes", "input tokens", "output ceiling", "first line"]),
        ]
        for batch in summary.batches {
            lines.append(pad([
                String(batch.index), batch.model ?? "-", String(batch.requestCount), bytes(batch.byteCount),
                tokens(batch.inputTokens, exact: batch.exactTokens), batch.outputTokenCeiling.map(String.init) ?? "none set", String(batch.firstLine),
            ]))
        }
        lines.append("")
        lines.append("Per model:")
        for model in summary.models {
            let ceiling = model.outputTokenCeiling.map { "at most \($0) output tokens" } ?? "no output ceiling (some requests set no max_tokens)"
            lines.append("  \(model.model ?? "(no model)"): \(model.batches) batch\(model.batches == 1 ? "" : "es"), \(model.requestCount) requests, "
                + "\(bytes(model.byteCount)), \(tokens(model.inputTokens, exact: model.exactTokens)) input tokens, \(ceiling)")
        }
        if let cost = summary.cost {
            lines.append("")
            lines.append("Cost at batch rates (\(cost.prices.source), \(cost.prices.asOf)): " + Self.range(cost))
            for model in cost.models {
                let low = model.lowUSD.map(CostEstimate.dollars) ?? "price unknown"
                let high = model.lowUSD == nil ? "" : " to " + (model.highUSD.map(CostEstimate.dollars) ?? "unbounded (no output ceiling)")
                lines.append("  \(model.model): \(low)\(high)")
            }
        }
        lines.append("")
        lines.append("Dry run: nothing was uploaded and no batch was created.")
        return lines
    }

    /// `$0.0750 to $0.2250`, with what leaves it open.
    private static func range(_ cost: CostEstimate) -> String {
        var text = CostEstimate.dollars(cost.lowUSD) + " to " + (cost.highUSD.map(CostEstimate.dollars) ?? "unbounded")
        if !cost.unpricedModels.isEmpty { text += " (price unknown: \(cost.unpricedModels.joined(separator: ", ")))" }
        return text
    }

    private static func pad(_ cells: [String]) -> String {
        let widths = [5, 22, 9, 10, 14, 14, 10]
        return "  " + zip(cells, widths).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }.joined(separator: " ")
    }

    private static func bytes(_ count: Int64) -> String {
        count < 1_000_000 ? "\(count) B" : String(format: "%.1f MB", Double(count) / 1_000_000)
    }

    /// An estimate is marked `~`; nothing counted (no counter in this build) says so rather than show 0.
    private static func tokens(_ count: Int, exact: Bool) -> String {
        exact ? String(count) : count == 0 ? "not counted" : "~\(count)"
    }
}
