/// Splits a process's context into segments on line boundaries.
public enum Segmenter {
    /// Segments of at most `maxCharacters` characters each, cut between lines; a single line
    /// longer than that is cut inside the line (rather than refusing the payload).
    public static func split(_ text: String, maxCharacters: Int) -> [String] {
        precondition(maxCharacters > 0, "maxCharacters must be positive")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var segments: [String] = []
        var current = ""
        var currentCount = 0
        for (offset, rawLine) in lines.enumerated() {
            // Each line keeps its newline, so joining the segments gives the text back.
            var line = offset < lines.count - 1 ? rawLine + "\n" : rawLine
            var count = line.count
            if count == 0 { continue }
            if currentCount + count > maxCharacters, currentCount > 0 {
                segments.append(current)
                current = ""
                currentCount = 0
            }
            while count > maxCharacters {
                let cut = line.index(line.startIndex, offsetBy: maxCharacters)
                segments.append(String(line[..<cut]))
                line = line[cut...]
                count -= maxCharacters
            }
            current += line
            currentCount += count
        }
        if currentCount > 0 { segments.append(current) }
        // Whitespace-only segments would make empty requests.
        return segments.filter { !$0.allSatisfy(\.isWhitespace) }
    }
}
