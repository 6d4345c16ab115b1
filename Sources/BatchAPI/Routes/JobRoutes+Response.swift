import BatchService

/// A job as `GET /jobs/{job_id}` shows it: phase, totals over every line, the plan's size and each batch.
struct JobResponse: Encodable, Sendable {
    let progress: JobProgress

    init(_ progress: JobProgress) {
        self.progress = progress
    }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", jobName = "job_name", phase, failure, outputDir = "output_dir", docsDir = "docs_dir"
        case requests, succeeded, failed, missing, pending, parts, batches, reused, createdAt = "created_at"
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

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let job = progress.job, totals = progress.totals
        try c.encode(job.jobID, forKey: .jobID)
        try c.encode(job.plan.jobName, forKey: .jobName)
        try c.encode(job.phase.rawValue, forKey: .phase)
        try c.encode(job.failure, forKey: .failure)
        try c.encode(progress.outputDirectory, forKey: .outputDir)
        try c.encode(progress.outputDirectory + "/docs", forKey: .docsDir)
        try c.encode(totals.requests, forKey: .requests)
        try c.encode(totals.succeeded, forKey: .succeeded)
        try c.encode(totals.failed, forKey: .failed)
        try c.encode(totals.missing, forKey: .missing)
        try c.encode(totals.pending, forKey: .pending)
        try c.encode(job.plan.parts.count, forKey: .parts)
        try c.encode(progress.batches.map(Row.init), forKey: .batches)
        try c.encode(progress.reused, forKey: .reused)
        try c.encode(job.createdAt, forKey: .createdAt)
    }
}

/// `GET /jobs`: every job known here, newest first.
struct JobListResponse: Encodable, Sendable {
    let data: [JobResponse]
}
