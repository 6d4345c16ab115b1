/// `GET /docs`: one self-contained HTML page (inline CSS and JS, nothing from a CDN: there may be no
/// network) that fetches `/openapi.json` and renders its routes, parameters, bodies, responses and schemas.
///
/// The page is `Resources/docs.html`, embedded in the binary at build time.
public enum DocsPage {
    /// The page's bytes.
    public static let bytes: [UInt8] = PackageResources.docs_html

    /// The page as text.
    public static var html: String { String(decoding: bytes, as: UTF8.self) }
}
