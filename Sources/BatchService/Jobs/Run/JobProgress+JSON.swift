/// A job as `GET /jobs/{job_id}` and `batch-openai jobs get --json` show it: phase, totals over every line, the
/// plan's size and each batch (the REST schema `Job` in openapi.json).
extension JobProgress: Encodable {
    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", jobName = "job_name", phase, failure, outputDir = "output_dir", docsDir = "docs_dir"
        case requests, succeeded, failed, missing, pending, parts, batches, reused, createdAt = "created_at", usage
    }

    struct Row: Encodable {
        let row: JobProgress.BatchRow

        enum CodingKeys: String, CodingKey {
            case part, attempt, state, batchID = "batch_id", status, requests, completed, failed, failure
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(row.part, forKey: .part)
            try c.encode(row.attempt, forKey: .attempt)
            try c.encode(row.state.rawValue, forKey: .state)
            try c.encode(row.batchID, forKey: .batchID)
            try c.encode(row.batchStatus, forKey: .status)
            try c.encode(row.requestCount, forKey: .requests)
            try c.encode(row.completed, forKey: .completed)
            try c.encode(row.failed, forKey: .failed)
            try c.encode(row.failure, forKey: .failure)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let job = self.job, totals = self.totals
        try c.encode(job.jobID, forKey: .jobID)
        try c.encode(job.plan.jobName, forKey: .jobName)
        try c.encode(job.phase.rawValue, forKey: .phase)
        try c.encode(job.failure, forKey: .failure)
        try c.encode(outputDirectory, forKey: .outputDir)
        try c.encode(outputDirectory + "/docs", forKey: .docsDir)
        try c.encode(totals.requests, forKey: .requests)
        try c.encode(totals.succeeded, forKey: .succeeded)
        try c.encode(totals.failed, forKey: .failed)
        try c.encode(totals.missing, forKey: .missing)
        try c.encode(totals.pending, forKey: .pending)
        try c.encode(job.plan.parts.count, forKey: .parts)
        try c.encode(batches.map(Row.init), forKey: .batches)
        try c.encode(reused, forKey: .reused)
        try c.encode(job.createdAt, forKey: .createdAt)
        try c.encode(usage, forKey: .usage)
    }
}
