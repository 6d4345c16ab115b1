/// Content negotiation for gzip.
enum ContentCoding {
    /// Whether an `Accept-Encoding` value allows gzip (RFC 9110 §12.5.3): `gzip`, `x-gzip` or `*` with a
    /// non-zero weight, unless gzip itself is given weight 0.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var gzipWeight: Double?
        var anyWeight: Double?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { String($0).trimmingSpaces().lowercased() }
            guard let coding = parts.first else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            if coding == "gzip" || coding == "x-gzip" { gzipWeight = max(gzipWeight ?? 0, weight) }
            if coding == "*" { anyWeight = weight }
        }
        if let gzipWeight { return gzipWeight > 0 }
        return (anyWeight ?? 0) > 0
    }

    /// Text-like media types that shrink under gzip; images, archives and the like are sent as they are.
    static func isCompressible(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";").first.map { String($0).trimmingSpaces().lowercased() } ?? ""
        return type.hasPrefix("text/") || type.hasSuffix("json") || type.hasSuffix("+json")
            || type.hasSuffix("xml") || type == "application/javascript" || type == "application/x-ndjson"
            || type == "application/jsonl" || type == "application/x-jsonlines" || type == "image/svg+xml"
    }
}
