import SystemIO

extension BatchCoordinator {
    /// The tokens and cost of a batch whose results were downloaded here (`usage.json`, tallied again only
    /// when `output.jsonl` changed); `nil` before its results are downloaded. For a job, combine its batches'
    /// reports with `UsageReport.combining(_:prices:)`.
    public func usage(id: String) async throws(BatchServiceError) -> UsageReport? {
        let batchID = try checkedID(id)
        let folder = BatchFolder(path: try await stored { () async throws(WorkspaceError) in try await artifactStore.materialise(batchID) })
        let downloaded = await BlockingThread.run("stat") {
            [BatchFolder.outputFile, BatchFolder.errorsFile, UsageFile.name].contains { Workspace.isRegularFile(folder.file($0)) }
        }
        guard downloaded else { return nil }
        return await usage(of: batchID, in: folder)
    }

    /// The usage of several batches as one (a job's), tokens summed per model and priced with the ledger's
    /// table; batches whose results are not downloaded add nothing. Each batch's own `usage.json` is
    /// written (or read) on the way, so `/metrics` still counts each batch once.
    public func usage(ofBatches ids: [String]) async throws(BatchServiceError) -> UsageReport {
        var reports: [UsageReport] = []
        for id in ids {
            if let report = try await usage(id: id) { reports.append(report) }
        }
        return UsageReport.combining(reports, prices: usageLedger.prices)
    }

    /// The usage of a downloaded batch (see `usage(id:)`); a first tally is written, stored and told to the
    /// ledger's observers. A failure to read or write is logged and gives `nil`: usage never fails a download.
    func usage(of id: BatchID, in folder: BatchFolder) async -> UsageReport? {
        let ledger = usageLedger
        let logger = logger
        let artifactStore = artifactStore
        return await ledger.gate.withKey(id.rawValue) { () async -> UsageReport? in
            let refreshed: (report: UsageReport, firstTally: Bool)
            do {
                refreshed = try await BlockingThread.run("usage") { () throws(WorkspaceError) in
                    try UsageFile.refresh(folder, batchID: id.rawValue, prices: ledger.prices)
                }
                try await artifactStore.persist([UsageFile.name], of: id)
            } catch {
                logger.warning("cannot tally the batch's usage", metadata: ["batch_id": "\(id.rawValue)", "error": "\(error)"])
                return nil
            }
            if refreshed.firstTally {
                let total = refreshed.report.total
                logger.info("batch usage tallied", metadata: [
                    "batch_id": "\(id.rawValue)", "input_tokens": "\(total.tokens.input)", "output_tokens": "\(total.tokens.output)",
                    "cost_usd": "\(total.costUSD)",
                ])
                ledger.tallied(refreshed.report)
            }
            return refreshed.report
        }
    }
}
