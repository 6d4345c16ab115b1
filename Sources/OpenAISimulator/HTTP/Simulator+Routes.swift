import BatchCore
import Foundation
import HTTPServer
import JSON
import OpenAIClient

extension Simulator {
    /// The purposes `POST /files` accepts.
    static let uploadPurposes: Set<String> = ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]

    /// The API's routes, all under `/v1`.
    public func makeRouter() -> Router {
        var router = Router()
        router.add(.post, "/v1/files", maxBodyBytes: configuration.maxUploadBytes + 64 * 1024) { [self] in try await uploadFile($0) }
        router.add(.get, "/v1/files") { [self] in try await listFiles($0) }
        router.add(.get, "/v1/files/{id}") { [self] in try await retrieveFile($0) }
        router.add(.get, "/v1/files/{id}/content") { [self] in try await fileContent($0) }
        router.add(.delete, "/v1/files/{id}") { [self] in try await deleteFile($0) }
        router.add(.post, "/v1/batches") { [self] in try await createBatch($0) }
        router.add(.get, "/v1/batches") { [self] in try await listBatches($0) }
        router.add(.get, "/v1/batches/{id}") { [self] in try await retrieveBatch($0) }
        router.add(.post, "/v1/batches/{id}/cancel") { [self] in try await cancelBatch($0) }
        for endpoint in ["/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/responses", "/v1/moderations"] {
            router.add(.post, endpoint) { [self] in try await synchronous($0, endpoint: endpoint) }
        }
        return router
    }

    // MARK: - Files

    func uploadFile(_ request: Request) async throws -> Response {
        guard let boundary = Self.boundary(request.headers["Content-Type"]) else {
            throw APIError.invalid("The request must be multipart/form-data with a boundary.", code: "invalid_content_type")
        }
        let form: MultipartForm
        do {
            form = try await MultipartForm.read(from: request.body, boundary: boundary, temporaryDirectory: dataDirectory + "/uploads")
        } catch let error as MultipartError {
            throw APIError.invalid("Invalid multipart body: \(error)")
        }
        var keep = false
        defer { if !keep { form.removeFiles() } }
        guard let purpose = form.field("purpose") else {
            throw APIError.invalid("Missing required parameter: 'purpose'.", param: "purpose", code: "missing_required_parameter")
        }
        guard Self.uploadPurposes.contains(purpose) else {
            throw APIError.invalid(
                "'\(purpose)' is not one of \(Self.uploadPurposes.sorted()) - 'purpose'", param: "purpose"
            )
        }
        guard let file = form.file("file") else {
            throw APIError.invalid("Missing required parameter: 'file'.", param: "file", code: "missing_required_parameter")
        }
        let filename = file.filename.flatMap { $0.isEmpty ? nil : $0 } ?? "upload"
        if purpose == "batch" {
            guard filename.lowercased().hasSuffix(".jsonl") else {
                throw APIError.invalid("Invalid file format for Batch API. Must be .jsonl", param: "file")
            }
            guard file.byteCount <= BatchLimits.openAI.maxBytes else {
                throw APIError.invalid("File is too large for the Batch API (at most 200 MB).", param: "file")
            }
        }
        guard file.byteCount <= Int64(configuration.maxUploadBytes) else {
            throw APIError(.payloadTooLarge, message: "File is too large (at most \(configuration.maxUploadBytes) bytes).", param: "file")
        }
        var expiresAfter: Int?
        if let anchor = form.field("expires_after[anchor]"), anchor != "created_at" {
            throw APIError.invalid("expires_after[anchor] must be 'created_at'.", param: "expires_after[anchor]")
        }
        if let text = form.field("expires_after[seconds]") {
            guard let seconds = Int(text), (3600...2_592_000).contains(seconds) else {
                throw APIError.invalid("expires_after[seconds] must be an integer from 3600 to 2592000.", param: "expires_after[seconds]")
            }
            expiresAfter = seconds
        }
        let object = try await store.addFile(
            movingFrom: file.path, bytes: file.byteCount, filename: filename, purpose: purpose, expiresAfter: expiresAfter
        )
        keep = true
        form.files.filter { $0.path != file.path }.forEach { unlink($0.path) }
        return try Response.json(object)
    }

    func listFiles(_ request: Request) async throws -> Response {
        let limit = try Self.limit(request, range: 1...10_000, default: 10_000)
        let order = request.query("order") ?? "desc"
        guard order == "asc" || order == "desc" else {
            throw APIError.invalid("order must be 'asc' or 'desc'.", param: "order")
        }
        let page = await store.listFiles(
            purpose: request.query("purpose"), after: request.query("after"), limit: limit, ascending: order == "asc"
        )
        return try Response.json(page)
    }

    func retrieveFile(_ request: Request) async throws -> Response {
        try Response.json(try await storedFile(request).object)
    }

    func fileContent(_ request: Request) async throws -> Response {
        let file = try await storedFile(request)
        let body: FileBody
        do {
            body = try FileBody(path: file.path)
        } catch {
            throw APIError.notFound("File", file.object.id)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/octet-stream")
        return Response(status: .ok, headers: headers, body: .file(body))
    }

    func deleteFile(_ request: Request) async throws -> Response {
        let id = request.parameter("id") ?? ""
        guard await store.deleteFile(id) else { throw APIError.notFound("File", id) }
        return try Response.json(FileDeleted(id: id))
    }

    private func storedFile(_ request: Request) async throws -> StoredFile {
        let id = request.parameter("id") ?? ""
        guard let file = await store.file(id) else { throw APIError.notFound("File", id) }
        return file
    }

    // MARK: - Batches

    func createBatch(_ request: Request) async throws -> Response {
        let bytes = try await request.body.collect(upTo: configuration.maxJSONBytes)
        let create: CreateBatchRequest
        do {
            create = try JSONDecoder().decode(CreateBatchRequest.self, from: Data(bytes))
        } catch DecodingError.keyNotFound(let key, _) {
            throw APIError.invalid("Missing required parameter: '\(key.stringValue)'.", param: key.stringValue, code: "missing_required_parameter")
        } catch {
            throw APIError.invalid("We could not parse the JSON body of your request. (\(error.localizedDescription))")
        }
        try Self.check(create)
        try Self.checkMetadataTypes(bytes)
        guard let input = await store.file(create.inputFileID) else {
            throw APIError.notFound("File", create.inputFileID, param: "input_file_id")
        }
        guard input.object.purpose == "batch" else {
            throw APIError.invalid(
                "The input file must have purpose 'batch', not '\(input.object.purpose)'.", param: "input_file_id"
            )
        }
        let batch = await store.createBatch(create)
        startProcessing(batch.id)
        return try Response.json(batch)
    }

    /// `metadata` is an object of strings or null, as the API's schema says: the shared decoder is tolerant
    /// (it writes numbers and booleans out as text), the API is not, so the simulator checks the raw body.
    static func checkMetadataTypes(_ bytes: [UInt8]) throws {
        guard let body = try? JSONValue(parsing: bytes), case .object(let members) = body, let metadata = members["metadata"] else { return }
        switch metadata {
        case .null: return
        case .object(let pairs):
            for (key, value) in pairs.sorted(by: { $0.key < $1.key }) {
                guard case .string = value else {
                    throw APIError.invalid("Invalid type for 'metadata.\(key.prefix(64))': expected a string, but got \(value.kindName) instead.",
                                           param: "metadata.\(key.prefix(64))", code: "invalid_type")
                }
            }
        default:
            throw APIError.invalid("Invalid type for 'metadata': expected an object, but got \(metadata.kindName) instead.",
                                   param: "metadata", code: "invalid_type")
        }
    }

    /// Create-time 400s: only request-level problems (reference §12, item 2).
    static func check(_ create: CreateBatchRequest) throws {
        guard BatchLimits.supportedEndpoints.contains(create.endpoint) else {
            throw APIError.invalid(
                "Invalid value: '\(create.endpoint)'. Supported values are: \(BatchLimits.supportedEndpoints.sorted().map { "'\($0)'" }.joined(separator: ", ")).",
                param: "endpoint", code: "invalid_value"
            )
        }
        guard create.completionWindow == "24h" else {
            throw APIError.invalid(
                "Invalid value: '\(create.completionWindow)'. Supported values are: '24h'.", param: "completion_window", code: "invalid_value"
            )
        }
        if let metadata = create.metadata {
            guard metadata.count <= 16 else {
                throw APIError.invalid("Invalid 'metadata': too many properties. Expected at most 16.", param: "metadata")
            }
            // Characters counted as code points, as JSON Schema's maxLength and Python's len count them.
            for (key, value) in metadata {
                guard key.unicodeScalars.count <= 64 else {
                    throw APIError.invalid("Invalid 'metadata': keys are at most 64 characters.", param: "metadata")
                }
                guard value.unicodeScalars.count <= 512 else {
                    throw APIError.invalid("Invalid 'metadata': values are at most 512 characters.", param: "metadata")
                }
            }
        }
        if let expiry = create.outputExpiresAfter {
            guard expiry.anchor == "created_at", (3600...2_592_000).contains(expiry.seconds) else {
                throw APIError.invalid(
                    "output_expires_after needs anchor 'created_at' and seconds from 3600 to 2592000.", param: "output_expires_after"
                )
            }
        }
    }

    func retrieveBatch(_ request: Request) async throws -> Response {
        let id = request.parameter("id") ?? ""
        guard let batch = await store.batch(id) else { throw APIError.notFound("Batch", id) }
        return try Response.json(batch)
    }

    func cancelBatch(_ request: Request) async throws -> Response {
        let id = request.parameter("id") ?? ""
        guard let batch = await store.batch(id) else { throw APIError.notFound("Batch", id) }
        do {
            try await store.apply(.cancelRequested, to: id)
        } catch is BatchLifecycle.TransitionError {
            throw APIError(
                .conflict, message: "Cannot cancel a batch with status '\(batch.status.rawValue)'.", code: "batch_not_cancellable"
            )
        }
        return try Response.json(await store.batch(id) ?? batch)
    }

    func listBatches(_ request: Request) async throws -> Response {
        let limit = try Self.limit(request, range: 1...100, default: 20)
        return try Response.json(await store.listBatches(after: request.query("after"), limit: limit))
    }

    // MARK: - Synchronous endpoints

    func synchronous(_ request: Request, endpoint: String) async throws -> Response {
        let bytes = try await request.body.collect(upTo: configuration.maxJSONBytes)
        let body: JSONValue
        do {
            body = try JSONValue(parsing: bytes)
        } catch {
            throw APIError.invalid("We could not parse the JSON body of your request.")
        }
        if body["stream"]?.boolValue == true {
            throw APIError.invalid("The simulator does not stream; set stream to false.", param: "stream")
        }
        if configuration.requestLatency > .zero { try await Task.sleep(for: configuration.requestLatency) }
        let result = await responder.respond(endpoint: endpoint, body: body)
        return try Response.json(result.body, status: HTTPStatus(code: result.statusCode))
    }

    // MARK: - Helpers

    /// The `limit` query parameter within `range`; 400 outside it or when not an integer.
    static func limit(_ request: Request, range: ClosedRange<Int>, default value: Int) throws -> Int {
        guard let text = request.query("limit") else { return value }
        guard let limit = Int(text), range.contains(limit) else {
            throw APIError.invalid(
                "Invalid 'limit': expected an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'.",
                param: "limit", code: "integer_out_of_range"
            )
        }
        return limit
    }

    /// The boundary of a `multipart/form-data` Content-Type.
    static func boundary(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }
}
