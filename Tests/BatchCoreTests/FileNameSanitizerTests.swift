import BatchCore
import Testing

struct FileNameSanitizerTests {
    let sanitizer = FileNameSanitizer()

    @Test(arguments: ["request-1", "MinhaClasse.meuMetodo.m3type_business", "café_日本語", "a+b@c=d,e"])
    func keepsReadableIDsUnchanged(id: String) {
        #expect(sanitizer.sanitize(id) == id)
    }

    @Test(arguments: [
        "../../x", "a/b/../../c", "..", ".", ".hidden", "a\nb", "a\u{0}b", "with \"quotes\"", "c:\\windows",
        "x: y", "tab\there", "/etc/passwd", "a..b", "", "\u{202E}rtl", String(repeating: "é", count: 400),
        String(repeating: "a", count: 1000),
    ])
    func producesSafeComponents(id: String) {
        let name = sanitizer.sanitize(id)
        #expect(!name.isEmpty)
        #expect(!name.contains("/"))
        #expect(!name.contains(".."))
        #expect(!name.hasPrefix("."))
        #expect(name.utf8.count <= sanitizer.maxBytes)
        #expect(name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && $0 != "\u{202E}" })
        #expect(name != "." && name != "..")
    }

    @Test func changedNamesCarryAHashOfTheOriginal() {
        let a = sanitizer.sanitize("a:b")
        let b = sanitizer.sanitize("a?b")
        #expect(a.hasPrefix("a_b-"))
        #expect(b.hasPrefix("a_b-"))
        #expect(a != b)
        #expect(sanitizer.sanitize("a_b") == "a_b")
    }

    @Test func longIDsSharingAPrefixStayDistinct() {
        let prefix = String(repeating: "x", count: 300)
        let a = sanitizer.sanitize(prefix + "1")
        let b = sanitizer.sanitize(prefix + "2")
        #expect(a != b)
        #expect(a.utf8.count == sanitizer.maxBytes)
    }

    @Test func isStable() {
        #expect(sanitizer.sanitize("../../x") == sanitizer.sanitize("../../x"))
        #expect(FileNameSanitizer.hash("abc") == FileNameSanitizer.hash("abc"))
        #expect(FileNameSanitizer.hash("abc").count == 8)
    }

    @Test func reservedSuffixesAreHashed() {
        let directories = FileNameSanitizer(reservedSuffixes: [".md"])
        let name = directories.sanitize("notes.md")
        #expect(!name.hasSuffix(".md"))
        #expect(name.hasPrefix("notes.md-"))
    }

    @Test func truncatesOnScalarBoundaries() {
        let name = sanitizer.sanitize(String(repeating: "日", count: 200))
        #expect(name.utf8.count <= sanitizer.maxBytes)
        #expect(name.hasPrefix("日日"))
    }
}
