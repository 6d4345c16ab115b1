import Foundation

/// What `--data-dir` keeps across restarts: every file and batch, written atomically to
/// `state.json` whenever a file or a batch's state changes (not on every finished request).
struct SimulatorState: Codable {
    var files: [StoredFile] = []
    var batches: [BatchRecord] = []
    var sequence = 0

    static func path(in directory: String) -> String { directory + "/state.json" }

    /// The saved state, or an empty one when there is none.
    static func load(from directory: String) throws -> SimulatorState {
        let path = path(in: directory)
        guard FileManager.default.fileExists(atPath: path) else { return SimulatorState() }
        var state = try JSONDecoder().decode(SimulatorState.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        // Paths follow the directory, wherever it is now.
        for index in state.files.indices {
            state.files[index].path = directory + "/files/" + state.files[index].object.id
        }
        return state
    }

    /// Writes to a temporary name, synced, then renamed over the old state.
    func save(to directory: String) throws {
        let data = try JSONEncoder().encode(self)
        try data.write(to: URL(fileURLWithPath: Self.path(in: directory)), options: .atomic)
    }
}
