import BatchCore
import Testing

struct CustomIDTests {
    @Test(arguments: [
        ("MinhaClasse.meuMetodo.m3type_business", CustomID.method(classPath: "MinhaClasse", method: "meuMetodo", type: "business")),
        ("com.acme.billing.InvoiceService.issue.m3type_tech_resume",
         .method(classPath: "com.acme.billing.InvoiceService", method: "issue", type: "tech_resume")),
        ("a.b.m3type_x.m3type_y", .method(classPath: "a.b", method: "m3type_x", type: "y")),
        ("billing/tech/seg-001", .segment(process: "billing", topic: "tech", index: 1, digits: "001")),
        ("p/t/seg-12", .segment(process: "p", topic: "t", index: 12, digits: "12")),
        ("request-1", .other("request-1")),
        ("meuMetodo.m3type_business", .other("meuMetodo.m3type_business")),
        ("A.b.m3type_", .other("A.b.m3type_")),
        ("p/t/seg-", .other("p/t/seg-")),
        ("p/t/seg-1a", .other("p/t/seg-1a")),
        ("p/t/seg-٣", .other("p/t/seg-٣")),
        ("/t/seg-001", .other("/t/seg-001")),
        ("a/b/c/seg-001", .other("a/b/c/seg-001")),
        ("../../x", .other("../../x")),
        ("", .other("")),
    ])
    func recognisesSchemes(raw: String, expected: CustomID) {
        #expect(CustomID(parsing: raw) == expected)
    }

    @Test(arguments: ["MinhaClasse.meuMetodo.m3type_business", "billing/tech/seg-001", "p/t/seg-7", "x", "a/b/../../c"])
    func spellsBack(raw: String) {
        #expect(CustomID(parsing: raw).rawValue == raw)
    }

    @Test func buildsPaddedSegments() {
        #expect(CustomID.segment("p", "t", index: 7).rawValue == "p/t/seg-007")
        #expect(CustomID.segment("p", "t", index: 1234).rawValue == "p/t/seg-1234")
        #expect(CustomID.method("a.B", "c", type: "business").rawValue == "a.B.c.m3type_business")
    }
}
