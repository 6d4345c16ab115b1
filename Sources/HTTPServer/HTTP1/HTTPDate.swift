import Glibc
import Synchronization

/// The IMF-fixdate for the Date header ("Sun, 06 Nov 1994 08:49:37 GMT"), cached and recomputed
/// at most once per second, thread-safe, cheap to call on every response.
public enum HTTPDate {
    private static let cache = Mutex<(second: Int, text: String)>((second: Int.min, text: ""))

    /// The current time as an IMF-fixdate (RFC 9110 §5.6.7).
    public static func now() -> String {
        let second = time(nil)
        return cache.withLock { cached in
            if cached.second == second { return cached.text }
            let text = format(secondsSince1970: second)
            cached = (second: second, text: text)
            return text
        }
    }

    /// Formats a Unix time (seconds since 1970-01-01T00:00:00Z) as an IMF-fixdate.
    public static func format(secondsSince1970 seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(29)
        bytes.append(contentsOf: days[Int(parts.tm_wday)].utf8)
        bytes.append(contentsOf: ", ".utf8)
        appendDigits(Int(parts.tm_mday), count: 2, to: &bytes)
        bytes.append(HTTPSyntax.space)
        bytes.append(contentsOf: months[Int(parts.tm_mon)].utf8)
        bytes.append(HTTPSyntax.space)
        appendDigits(Int(parts.tm_year) + 1900, count: 4, to: &bytes)
        bytes.append(HTTPSyntax.space)
        appendDigits(Int(parts.tm_hour), count: 2, to: &bytes)
        bytes.append(HTTPSyntax.colon)
        appendDigits(Int(parts.tm_min), count: 2, to: &bytes)
        bytes.append(HTTPSyntax.colon)
        appendDigits(Int(parts.tm_sec), count: 2, to: &bytes)
        bytes.append(contentsOf: " GMT".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendDigits(_ value: Int, count: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(0x30 + UInt8((rest / divisor) % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
