import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SystemIO

/// Jobs as files: `outputs/<job_id>/job.json`, written to a temporary name, fsynced, renamed, and its
/// folder fsynced (`DurableFile`) at every step of the job. A job's folder is told from a batch's by its
/// `job.json`. File work runs on dedicated threads (`BlockingThread`).
public struct FileJobStore: JobStateStore {
    /// The state file of a job.
    public static let jobFile = "job.json"
    /// The outputs folder, absolute.
    public let outputsDirectory: String

    /// A store over `outputs`, an existing absolute folder (`Workspace.outputsDirectory`).
    public init(outputsDirectory: String) {
        self.outputsDirectory = outputsDirectory
    }

    func folder(_ id: BatchID) -> String { outputsDirectory + "/" + id.rawValue }

    public func job(_ id: BatchID) async -> JobRun? {
        let path = folder(id) + "/" + Self.jobFile
        return await BlockingThread.run("job.json") { BatchFolder.readJSON(JobRun.self, from: path) }
    }

    public func putJob(_ job: JobRun) async throws(WorkspaceError) {
        let id: BatchID = try BatchID(job.jobID)
        let folder = folder(id)
        try await BlockingThread.run("job.json") { () throws(WorkspaceError) in
            if mkdir(folder, 0o755) != 0, errno != EEXIST { throw .system("mkdir", folder, errno: errno) }
            try BatchFolder.writeJSON(job, to: folder + "/" + Self.jobFile)
        }
    }

    public func jobs() async -> [JobRun] {
        let outputs = outputsDirectory
        return await BlockingThread.run("jobs") {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: outputs)) ?? []
            return names.filter { $0.hasPrefix("job_") }.sorted()
                .compactMap { BatchFolder.readJSON(JobRun.self, from: outputs + "/" + $0 + "/" + Self.jobFile) }
                .sorted { ($0.createdAt, $0.jobID) > ($1.createdAt, $1.jobID) }
        }
    }

    public func materialise(_ id: BatchID) async throws(WorkspaceError) -> String {
        let folder = folder(id)
        try await BlockingThread.run("mkdir") { () throws(WorkspaceError) in
            if mkdir(folder, 0o755) != 0, errno != EEXIST { throw .system("mkdir", folder, errno: errno) }
        }
        return folder
    }
}
