import BatchService
import Logging
import OpenAIClient

/// The one place the command line builds a `BatchCoordinator` from the settings, so `serve`, `run` and the
/// step commands drive jobs under the same policy.
extension Settings {
    /// A coordinator over `backend` in `workspace`, with the settings' job policy.
    func coordinator(backend: any BatchBackend, workspace: Workspace, logger: Logger, promptsDirectory: String? = nil) -> BatchCoordinator {
        BatchCoordinator(backend: backend, workspace: workspace, logger: logger, promptsDirectory: promptsDirectory, jobPolicy: jobPolicy)
    }
}
