import Testing

@testable import HTTPServer

/// The byte classes are bit masks; check them against the grammar's character lists for all 256 bytes.
@Suite("HTTPSyntax")
struct HTTPSyntaxTests {
    static let alphaDigit = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    @Test func tokenBytesMatchRFC9110() {
        let tchar = Self.alphaDigit.union("!#$%&'*+-.^_`|~".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(HTTPSyntax.isTokenByte(byte) == tchar.contains(byte), "byte \(byte)")
        }
    }

    @Test func hostBytesMatchRFC3986() {
        let allowed = Self.alphaDigit.union("-._~!$&'()*+,;=%:[]".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(HTTPSyntax.isHostByte(byte) == allowed.contains(byte), "byte \(byte)")
        }
    }

    @Test func caseInsensitiveComparison() {
        #expect(HTTPSyntax.equalsIgnoringCase("Content-Length", "content-LENGTH"))
        #expect(!HTTPSyntax.equalsIgnoringCase("Content-Length", "Content-Lengt"))
        #expect(!HTTPSyntax.equalsIgnoringCase("a", "\u{41}\u{300}"))
        let bytes = Array("Transfer-Encoding".utf8)
        bytes.withUnsafeBufferPointer { #expect(HTTPSyntax.equalsLowercased($0, "transfer-encoding")) }
    }
}
