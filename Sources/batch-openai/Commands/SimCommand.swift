import ArgumentParser
import Glibc
import HTTPServer
import OpenAISimulator

/// `batch-openai sim`: the local simulator of the OpenAI Files + Batches API.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run a local simulator of the OpenAI Files + Batches API (offline, free, deterministic).",
        discussion: """
        Serves /v1/files, /v1/batches, /v1/chat/completions and /v1/embeddings; point an OpenAI client's base \
        URL at the printed address. Batches run in the background with the given latencies; results are \
        deterministic Markdown (PlantUML when the prompt asks for a diagram).

        Faults on the API itself: --fault-429 0.1 --fault-500 0.05 --fault-503 0.05 --fault-drop 0.01 \
        --fault-slow 0.1 (probabilities per request, seeded by --seed), and --fault SPEC (repeatable) for a \
        deterministic schedule consumed first: 503x3 (the next 3 requests get 503), 429:2 (Retry-After 2), \
        drop@POST /v1/batches (cut the next create's answer off after the batch was made), slow:1.5x2@/v1/files.

        As at OpenAI, every request needs "Authorization: Bearer KEY": any key, or with --api-key that one; \
        without it the answer is 401. `serve --sim` takes every option below with a --sim- prefix \
        (--sim-fault, --sim-port, ...).

        Examples:
          batch-openai sim --port 8100 --request-latency 0 --validation-delay 0
          batch-openai sim --window-speed 86400 --failure-rate 0.1 \\
            --failure-statuses 500,429
          export OPENAI_BASE_URL=http://127.0.0.1:8100/v1 OPENAI_API_KEY=sk-sim
          python script.py
        """
    )

    @OptionGroup var common: CommonOptions

    @OptionGroup var options: SimulatorOptions<StandaloneSimulator>

    func run() async throws {
        let logger = try common.logger(label: "batch-openai.sim")
        let responder = try options.responder(logger: try common.logger(label: "batch-openai.sim.upstream"))
        let simulator = try Simulator(configuration: try options.configuration(), responder: responder, logger: logger)
        let server = simulator.makeServer(host: options.host, port: options.port)
        try server.start()
        if let address = server.localAddress {
            // One line on stdout that scripts wait for; the port is the real one even with --port 0.
            print("simulator listening on http://\(address)/v1")
            fflush(nil)
        }
        try await server.runUntilSignalled()
        await simulator.shutdown()
    }
}
