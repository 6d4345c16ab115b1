/// Serialises a response head: "HTTP/1.1 200 OK\r\n" + headers + "\r\n". Header names that are not
/// tokens are dropped and CR/LF/NUL inside values replaced by a space, so a value can never split
/// a response.
public enum ResponseHeadEncoder {
    /// The status line, each field as `name: value`, and the empty line that ends the head.
    /// The reason phrase gets the same CR/LF/NUL protection as values.
    public static func encode(status: HTTPStatus, headers: HTTPHeaders, version: HTTPVersion = .http1_1) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + headers.count * 40)
        encode(status: status, headers: headers, version: version, into: &bytes)
        return bytes
    }

    /// Appends the encoded head to `bytes`, so a caller can put head and body in one buffer.
    public static func encode(
        status: HTTPStatus,
        headers: HTTPHeaders,
        version: HTTPVersion = .http1_1,
        into bytes: inout [UInt8]
    ) {
        bytes.append(contentsOf: "HTTP/".utf8)
        appendNumber(version.major, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        appendNumber(version.minor, to: &bytes)
        bytes.append(HTTPSyntax.space)
        appendNumber(status.code, to: &bytes)
        bytes.append(HTTPSyntax.space)
        appendSanitized(status.reasonPhrase, to: &bytes)
        bytes.append(HTTPSyntax.cr)
        bytes.append(HTTPSyntax.lf)
        for (name, value) in headers {
            guard isToken(name) else { continue }
            bytes.append(contentsOf: name.utf8)
            bytes.append(HTTPSyntax.colon)
            bytes.append(HTTPSyntax.space)
            appendSanitized(value, to: &bytes)
            bytes.append(HTTPSyntax.cr)
            bytes.append(HTTPSyntax.lf)
        }
        bytes.append(HTTPSyntax.cr)
        bytes.append(HTTPSyntax.lf)
    }

    private static func appendSanitized(_ text: String, to bytes: inout [UInt8]) {
        let appended: Void? = text.utf8.withContiguousStorageIfAvailable { utf8 in
            let start = bytes.count
            bytes.append(contentsOf: utf8)
            for index in start..<bytes.count where HTTPSyntax.breaksLine(bytes[index]) {
                bytes[index] = HTTPSyntax.space
            }
        }
        guard appended == nil else { return }
        for byte in text.utf8 {
            bytes.append(HTTPSyntax.breaksLine(byte) ? HTTPSyntax.space : byte)
        }
    }

    private static func appendNumber(_ number: Int, to bytes: inout [UInt8]) {
        guard number >= 0 && number < 1000 else {
            bytes.append(contentsOf: String(number).utf8)
            return
        }
        if number >= 100 { bytes.append(0x30 + UInt8(number / 100)) }
        if number >= 10 { bytes.append(0x30 + UInt8(number / 10 % 10)) }
        bytes.append(0x30 + UInt8(number % 10))
    }

    private static func isToken(_ name: String) -> Bool {
        let contiguous = name.utf8.withContiguousStorageIfAvailable { utf8 in
            !utf8.isEmpty && utf8.allSatisfy(HTTPSyntax.isTokenByte)
        }
        return contiguous ?? (!name.isEmpty && name.utf8.allSatisfy(HTTPSyntax.isTokenByte))
    }
}
