/// The OpenAPI 3.1 description of the REST API, written by hand in `Resources/openapi.json` and embedded in
/// the binary at build time, served as it is on `GET /openapi.json`.
///
/// It lists exactly the routes of `Endpoint` (a test checks both ways) with schemas for every body, response
/// and problem document; `scripts/openapi-check.sh` validates it with `openapi-spec-validator`.
public enum OpenAPIDocument {
    /// The document's bytes.
    public static let bytes: [UInt8] = PackageResources.openapi_json

    /// The document as text.
    public static var text: String { String(decoding: bytes, as: UTF8.self) }
}
