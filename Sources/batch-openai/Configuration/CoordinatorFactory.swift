import BatchCore
import BatchService
import Logging
import OpenAIClient

/// The one place the command line builds a `BatchCoordinator` from the settings, so `serve`, `run` and the
/// step commands plan and drive jobs alike: the same job policy, and the same token counter (exact with the
/// vocabularies of `BATCH_OPENAI_TOKENIZER_DIR`, loaded once on a thread of their own).
extension Settings {
    /// A coordinator over `backend` in `workspace`; a tokenizer folder that cannot be read is a failure naming it.
    func coordinator(backend: any BatchBackend, workspace: Workspace, logger: Logger, promptsDirectory: String? = nil) async throws -> BatchCoordinator {
        let counter: RequestTokenCounter
        do throws(TokenizerError) {
            counter = try await TokenizerDirectory(path: tokenizerDirectory).counter()
        } catch {
            throw CommandFailure("\(TokenizerDirectory.environmentVariable): \(error.description)")
        }
        return BatchCoordinator(backend: backend, workspace: workspace, logger: logger, promptsDirectory: promptsDirectory,
                                jobPolicy: jobPolicy, tokenCounter: counter, prices: prices)
    }
}
