import BatchService

/// The coordinator behind the step-by-step commands (`wait`, `download`): the same `BatchCoordinator` the
/// REST routes drive, over the backend of the settings and the outputs folder of `--outputs` or the settings.
struct StepCoordinator {
    let connection: BackendConnection
    let coordinator: BatchCoordinator

    /// Connects as the settings say; `outputs` overrides `BATCH_OPENAI_OUTPUTS`.
    static func make(common: CommonOptions, outputs: String?, label: String) throws -> StepCoordinator {
        let connection = try BackendConnection.make(common: common, label: label)
        let workspace: Workspace
        do {
            workspace = try Workspace(outputs: outputs ?? connection.settings.outputsDirectory, inputs: connection.settings.inputsDirectory)
        } catch {
            throw CommandFailure("cannot use the outputs/inputs folders: \(error)")
        }
        return StepCoordinator(connection: connection, coordinator: BatchCoordinator(
            backend: connection.backend, workspace: workspace, logger: connection.logger, prices: connection.settings.prices
        ))
    }

    /// Runs one step, turning the service's error into a message that names `action`.
    func step<Value>(_ action: String, _ body: (BatchCoordinator) async throws -> Value) async throws -> Value {
        do {
            return try await body(coordinator)
        } catch {
            throw BackendFailure.failure(error, action: action, baseURL: connection.settings.openAIBaseURL)
        }
    }
}
