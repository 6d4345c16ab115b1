import HTTPServer

/// The query of `GET /batches`: `limit` (1–100) and `after` (a batch id).
struct ListQuery: Sendable {
    let limit: Int?
    let after: String?

    init(_ request: Request) throws(APIProblem) {
        if let text = request.query("limit") {
            guard let value = Int(text), (1...100).contains(value) else {
                throw .badRequest("'limit' is \"\(text)\"; expected a whole number from 1 to 100.", param: "limit")
            }
            limit = value
        } else {
            limit = nil
        }
        // An empty `after` (or `limit`) is not "no value": the schema forbids an empty id, so it is a 400 like any bad id.
        let after = request.query("after")
        if let after {
            guard !after.isEmpty else {
                throw .badRequest("'after' is empty; expected a batch id (batch_...), or leave 'after' out.", param: "after")
            }
            _ = try BatchRoutes.batchID(after, param: "after")
        }
        self.after = after
    }
}
