import Foundation
import BatchCore

/// Turns a result's text into a document's bytes: YAML front matter plus Markdown, or PlantUML.
enum DocumentRenderer {
    /// Whether `content` is PlantUML (bare or in a ```plantuml fence); returns the diagram.
    static func plantUML(in content: String) -> String? {
        let trimmed = content.trimmingWhitespace()
        if trimmed.hasPrefix("@startuml") { return trimmed }
        return unfenced(trimmed).flatMap { $0.hasPrefix("@startuml") ? $0 : nil }
    }

    /// The inside of a single fenced block spanning the whole text.
    static func unfenced(_ text: String) -> String? {
        guard text.hasPrefix("```"), text.hasSuffix("```"), text.count > 6,
              let firstNewline = text.firstIndex(of: "\n")
        else { return nil }
        let inner = text[text.index(after: firstNewline)..<text.index(text.endIndex, offsetBy: -3)]
        guard !inner.contains("```") else { return nil }
        return String(inner).trimmingWhitespace()
    }

    /// The Markdown document for one result.
    static func markdown(id: CustomID, batchID: String, content: String, into bytes: inout [UInt8]) {
        var head = "---\n"
        head += "custom_id: \(YAMLScalar.quoted(id.rawValue))\n"
        head += "batch_id: \(YAMLScalar.quoted(batchID))\n"
        switch id {
        case let .method(classPath, method, type):
            head += "type: \(YAMLScalar.quoted(type))\n"
            head += "class_path: \(YAMLScalar.quoted(classPath))\n"
            head += "method: \(YAMLScalar.quoted(method))\n"
        case let .segment(process, topic, index, _):
            head += "type: \(YAMLScalar.quoted(topic))\nclass_path: null\nmethod: null\n"
            head += "process: \(YAMLScalar.quoted(process))\n"
            head += "topic: \(YAMLScalar.quoted(topic))\n"
            head += "segment: \(index)\n"
        case .other:
            head += "type: null\nclass_path: null\nmethod: null\n"
        }
        head += "---\n\n"
        bytes.append(contentsOf: head.utf8)
        bytes.append(contentsOf: content.utf8)
        if bytes.last != 0x0A { bytes.append(0x0A) }
    }

    /// The PlantUML document for one segment; the context rides in `'` comment lines, which
    /// PlantUML ignores (YAML front matter would break the diagram).
    static func plantUML(id: CustomID, batchID: String, diagram: String, into bytes: inout [UInt8]) {
        var head = "' custom_id: \(YAMLScalar.quoted(id.rawValue))\n"
        head += "' batch_id: \(YAMLScalar.quoted(batchID))\n"
        bytes.append(contentsOf: head.utf8)
        bytes.append(contentsOf: diagram.utf8)
        if bytes.last != 0x0A { bytes.append(0x0A) }
    }

    /// A segment document's body without its front matter or comment header.
    static func body(of document: [UInt8], format: DocumentFormat) -> String {
        switch format {
        case .markdown:
            // The front matter this parser wrote: `---\n`, lines, `---\n`; found on bytes.
            let closing: [UInt8] = Array("\n---\n".utf8)
            guard document.starts(with: Array("---\n".utf8)), document.count > 4 else {
                return String(decoding: document, as: UTF8.self)
            }
            var index = 3
            while index + closing.count <= document.count {
                if document[index] == 0x0A, document[index..<index + closing.count].elementsEqual(closing) {
                    return String(decoding: document[(index + closing.count)...], as: UTF8.self).trimmingWhitespace()
                }
                index += 1
            }
            return String(decoding: document, as: UTF8.self)
        case .plantUML:
            let text = String(decoding: document, as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.drop(while: { $0.hasPrefix("'") }).joined(separator: "\n").trimmingWhitespace()
        }
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
