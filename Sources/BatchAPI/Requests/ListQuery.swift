import HTTPServer

/// The query of `GET /batches`: `limit` (1–100) and `after` (a batch id).
struct ListQuery: Sendable {
    let limit: Int?
    let after: String?

    init(_ request: Request) throws(APIProblem) {
        if let text = request.query("limit"), !text.isEmpty {
            guard let value = Int(text), (1...100).contains(value) else {
                throw .badRequest("'limit' is \"\(text)\"; expected a whole number from 1 to 100.", param: "limit")
            }
            limit = value
        } else {
            limit = nil
        }
        let after = request.query("after").flatMap { $0.isEmpty ? nil : $0 }
        if let after { _ = try BatchRoutes.batchID(after, param: "after") }
        self.after = after
    }
}
