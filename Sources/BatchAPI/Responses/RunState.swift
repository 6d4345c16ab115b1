import BatchService

/// A run's durable state as the API shows it.
struct RunState: Encodable, Sendable {
    let phase: String
    let doParse: Bool
    let pollInterval: Double
    let jobName: String?
    let failure: String?

    init(_ run: PipelineRun) {
        phase = run.phase.rawValue
        doParse = run.doParse
        pollInterval = run.pollInterval
        jobName = run.jobName
        failure = run.failure
    }

    enum CodingKeys: String, CodingKey {
        case phase, doParse = "do_parse", pollInterval = "poll_interval", jobName = "job_name", failure
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(phase, forKey: .phase)
        try c.encode(doParse, forKey: .doParse)
        try c.encode(pollInterval, forKey: .pollInterval)
        try c.encode(jobName, forKey: .jobName)
        try c.encode(failure, forKey: .failure)
    }
}
