/// The body of `POST /batches/{batch_id}/parse`: `{ "force": false, "only": ["<custom_id>", ...] }`, both optional.
struct ParseBody: Sendable {
    static let expected = "optional 'force' (true or false) and 'only' (an array of custom_id)"

    let force: Bool
    let only: Set<String>?

    init(_ fields: FieldReader) throws(APIProblem) {
        try fields.rejectUnknown(["force", "only"], expected: Self.expected)
        force = try fields.bool("force") ?? false
        only = try fields.strings("only").map(Set.init)
    }
}
