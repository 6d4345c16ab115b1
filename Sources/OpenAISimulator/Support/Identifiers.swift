/// Ids shaped like the live API's: `file-<base62>`, `batch_<hex>`, `batch_req_<hex>`, `req_<hex>`.
enum Identifiers {
    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    static func file() -> String {
        var generator = SystemRandomNumberGenerator()
        return "file-" + String((0..<22).map { _ in base62[Int(generator.next() % 62)] })
    }

    static func batch() -> String { "batch_" + hex(32) }
    static func batchRequest() -> String { "batch_req_" + hex(32) }
    static func request() -> String { "req_" + hex(32) }

    static func hex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        while text.count < count {
            let value = String(generator.next() as UInt64, radix: 16)
            text += String(repeating: "0", count: 16 - value.count) + value
        }
        return String(text.prefix(count))
    }
}
