import JSON
import OpenAIClient

/// The simulator's one shape of line, written without building a `JSONValue` of it.
extension JSONWriter {
    /// One result line (reference §7): `id`, `custom_id`, `response`, `error`, all four present.
    static func resultLine(id: String, customID: String, response: BatchResultLine.Response?, error: BatchResultLine.Failure?) -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        writer.writeResultLine(id: id, customID: customID, response: response, error: error)
        return writer.bytes
    }

    /// `resultLine(id:customID:response:error:)` appended to what this writer holds.
    mutating func writeResultLine(id: String, customID: String, response: BatchResultLine.Response?, error: BatchResultLine.Failure?) {
        append("{\"id\":")
        write(id)
        append(",\"custom_id\":")
        write(customID)
        append(",\"response\":")
        if let response {
            append("{\"status_code\":")
            append(String(response.statusCode))
            append(",\"request_id\":")
            write(response.requestID)
            append(",\"body\":")
            write(response.body)
            append("}")
        } else {
            append("null")
        }
        append(",\"error\":")
        if let error {
            append("{\"code\":")
            write(error.code)
            append(",\"message\":")
            write(error.message)
            append("}")
        } else {
            append("null")
        }
        append("}")
    }

    /// A successful result line whose response body `writeBody` writes: the same bytes as
    /// `resultLine(id:customID:response:error:)` with that body, without a `JSONValue` of it.
    static func resultLine(id: String, customID: String, statusCode: Int, requestID: String, writeBody: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        writer.writeResultLine(id: id, customID: customID, statusCode: statusCode, requestID: requestID, writeBody: writeBody)
        return writer.bytes
    }

    /// `resultLine(id:customID:statusCode:requestID:writeBody:)` appended to what this writer holds.
    mutating func writeResultLine(id: String, customID: String, statusCode: Int, requestID: String, writeBody: (inout JSONWriter) -> Void) {
        append("{\"id\":")
        write(id)
        append(",\"custom_id\":")
        write(customID)
        append(",\"response\":{\"status_code\":")
        append(String(statusCode))
        append(",\"request_id\":")
        write(requestID)
        append(",\"body\":")
        writeBody(&self)
        append("},\"error\":null}")
    }
}
