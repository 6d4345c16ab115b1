import JSON
import BatchCore
extension ParseIndex {
    /// Streams the index as pretty-printed JSON with sorted keys to `sink`, in pieces, so a
    /// 50,000-item index never exists twice in memory (`JSONEncoder` built a full tree of it and
    /// took the run over its 64 MB budget).
    func writeJSON(_ sink: (inout [UInt8]) throws(ParseError) -> Void) throws(ParseError) {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        func append(_ text: String) { out.append(contentsOf: text.utf8) }
        append("{\n  \"batch_id\" : \(JSONWriter.quote(batchID)),\n")
        append("  \"docs_dir\" : \(JSONWriter.quote(docsDirectory)),\n")
        append("  \"failed\" : \(failed),\n")
        append("  \"finals\" : [")
        for (offset, final) in finals.enumerated() {
            append(offset == 0 ? "\n    " : ",\n    ")
            append(JSONWriter.quote(final))
        }
        append(finals.isEmpty ? "],\n" : "\n  ],\n")
        append("  \"items\" : [")
        for (offset, item) in items.enumerated() {
            append(offset == 0 ? "\n    {\n" : ",\n    {\n")
            append("      \"custom_id\" : \(item.customID.map(JSONWriter.quote) ?? "null"),\n")
            if let error = item.error {
                append("      \"error\" : {\n        \"code\" : \(JSONWriter.quote(error.code)),\n")
                append("        \"message\" : \(JSONWriter.quote(error.message))\n      },\n")
            }
            append("      \"file\" : \(item.file.map(JSONWriter.quote) ?? "null"),\n")
            if let source = item.source { append("      \"source\" : \(JSONWriter.quote(source)),\n") }
            append("      \"status\" : \"\(item.status.rawValue)\"\n    }")
            if out.count >= 1 << 16 { try sink(&out) }
        }
        append(items.isEmpty ? "],\n" : "\n  ],\n")
        append("  \"missing\" : \(missing),\n")
        append("  \"processed\" : \(processed),\n  \"skipped\" : \(skipped)\n}\n")
        try sink(&out)
    }
}
