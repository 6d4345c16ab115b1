import Foundation

/// Reads the HTTP date in `Retry-After` (RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850
/// and asctime forms a server may still send).
enum HTTPDateParser {
    private static let formats = ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"]

    /// The date, or `nil` when the text is none of the three forms.
    static func parse(_ text: String) -> Date? {
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
