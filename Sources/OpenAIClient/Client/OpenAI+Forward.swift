import HTTPClient

extension OpenAI {
    /// `POST {path}` (relative to the base URL, e.g. `/chat/completions`) with a JSON body, for a
    /// proxy such as the simulator's upstream mode: retried like any call, but the last answer is
    /// returned whatever its status, with its body as received, where another call would throw.
    /// A request that gets no answer at all (connection, DNS, TLS, timeout) throws `OpenAIError`.
    public func forward(path: String, body: [UInt8]) async throws -> (status: Int, body: [UInt8]) {
        let call = Call(operation: "POST \(path)", method: "POST", path: path, body: .bytes(body), contentType: "application/json")
        var budget = RetryBudget(policy: configuration.retry)
        while true {
            switch try await attempt(call) {
            case .success(let response):
                return (response.status, response.body)
            case .failure(let failure):
                if let delay = budget.delay(after: failure) {
                    try await pause(delay, before: budget.attempts, of: call, after: failure)
                    continue
                }
                guard let response = failure.response else { throw failure.error }
                return (response.status, response.body)
            }
        }
    }
}
