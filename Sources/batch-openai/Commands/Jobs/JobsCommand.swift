import ArgumentParser
import BatchService

/// `batch-openai jobs list|get|cancel`: the jobs of the outputs folder (inputs run through several batches),
/// as `GET /jobs`, `GET /jobs/{id}` and `POST /jobs/{id}/cancel` show them.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List, show or cancel jobs (inputs run through several batches).",
        subcommands: [JobsListCommand.self, JobsGetCommand.self, JobsCancelCommand.self]
    )
}

/// The options every `jobs` command takes.
struct JobsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The outputs folder (default: BATCH_OPENAI_OUTPUTS, else ./outputs).", valueName: "dir"))
    var outputs: String?

    @Flag(help: "Print JSON (the REST API's Job objects).")
    var json = false

    @OptionGroup var common: CommonOptions
}

struct JobsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the jobs of the outputs folder, newest first.",
        discussion: """
        Examples:
          batch-openai jobs list
          batch-openai jobs list --json | jq -r '.data[].job_id'
        """
    )

    @OptionGroup var options: JobsOptions

    func run() async throws {
        let steps = try await StepCoordinator.make(common: options.common, outputs: options.outputs, label: "batch-openai.jobs")
        let jobs = await steps.coordinator.listJobs()
        if options.json {
            try JSONOutput.print(JobListOutput(data: jobs))
            return
        }
        if jobs.isEmpty { Console.out("No jobs.") }
        for job in jobs { Console.out(JobLines.summary(job)) }
    }
}

struct JobsGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show a job: its phase, totals and each batch.",
        discussion: """
        Examples:
          batch-openai jobs get job_3f2a…
          batch-openai jobs get job_3f2a… --json | jq .pending
        """
    )

    @Argument(help: ArgumentHelp("The job id, e.g. job_3f2a9c….", valueName: "job_id"))
    var id: String

    @OptionGroup var options: JobsOptions

    func validate() throws {
        try BatchIDOption.check(id, option: "job_id")
    }

    func run() async throws {
        let steps = try await StepCoordinator.make(common: options.common, outputs: options.outputs, label: "batch-openai.jobs")
        let job = try await steps.step("get job \(id)") { try await $0.job(id: id) }
        if options.json {
            try JSONOutput.print(job)
            return
        }
        JobLines.detail(job).forEach(Console.out)
    }
}

struct JobsCancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a job: nothing more is submitted or retried; its batches upstream are cancelled.",
        discussion: """
        What its batches finished is kept: the process driving the job (serve) merges it, or the next start \
        does. A job that already ended cannot be cancelled (exit status 1).

        Examples:
          batch-openai jobs cancel job_3f2a…
        """
    )

    @Argument(help: ArgumentHelp("The job id, e.g. job_3f2a9c….", valueName: "job_id"))
    var id: String

    @OptionGroup var options: JobsOptions

    func validate() throws {
        try BatchIDOption.check(id, option: "job_id")
    }

    func run() async throws {
        let steps = try await StepCoordinator.make(common: options.common, outputs: options.outputs, label: "batch-openai.jobs")
        let job = try await steps.step("cancel job \(id)") { try await $0.cancelJob(id: id) }
        if options.json {
            try JSONOutput.print(job)
            return
        }
        Console.out("🛑 Cancel requested.")
        JobLines.detail(job).forEach(Console.out)
    }
}

/// `--json` of `jobs list`: the REST API's `GET /jobs` answer.
struct JobListOutput: Encodable {
    let data: [JobProgress]
}
