// The Swift side of scripts/bench/tokens.sh: BatchCore's token counter, compiled -O with the shipped
// sources (BatchCore and JSON), over the same corpus bpe-openai counts. Prints one line per measure:
//   <name> <texts> <bytes> <tokens> <seconds>
import BatchCore
import Foundation
import JSON

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write("usage: tokens-driver TOKENIZER_DIR CORPUS.jsonl REQUESTS.jsonl\n".data(using: .utf8)!)
    exit(64)
}
let folder = arguments[1]

/// The vocabulary of `name` (plain, or inflated beforehand by the script).
func encoding(_ name: BPEEncoding.Name) -> BPEEncoding {
    let bytes = [UInt8](FileManager.default.contents(atPath: folder + "/" + name.fileName)!)
    let start = Date()
    let encoding = try! BPEEncoding(name: name, tiktoken: bytes)
    print("load-\(name.rawValue) 1 \(bytes.count) \(encoding.vocabularySize) \(Date().timeIntervalSince(start))")
    return encoding
}

let texts: [String] = try! String(contentsOfFile: arguments[2], encoding: .utf8).split(separator: "\n").map {
    try! JSONValue(parsing: String($0))["text"]!.stringValue!
}
let lines: [String] = try! String(contentsOfFile: arguments[3], encoding: .utf8).split(separator: "\n").map(String.init)
let textBytes = texts.reduce(0) { $0 + $1.utf8.count }
let lineBytes = lines.reduce(0) { $0 + $1.utf8.count }

func measure(_ name: String, count: Int, bytes: Int, _ body: () -> Int) {
    _ = body()  // warm: the scalar table, caches
    var best = Double.infinity
    var tokens = 0
    for _ in 0..<3 {
        let start = Date()
        tokens = body()
        best = min(best, Date().timeIntervalSince(start))
    }
    print("\(name) \(count) \(bytes) \(tokens) \(best)")
}

let o200k = encoding(.o200kBase)
let cl100k = encoding(.cl100kBase)
measure("exact-o200k_base", count: texts.count, bytes: textBytes) { texts.reduce(0) { $0 + o200k.count($1) } }
measure("exact-cl100k_base", count: texts.count, bytes: textBytes) { texts.reduce(0) { $0 + cl100k.count($1) } }
measure("estimate-o200k_base", count: texts.count, bytes: textBytes) {
    texts.reduce(0) { $0 + RequestTokenCounter.estimate($1, encoding: .o200kBase) }
}
let counter = RequestTokenCounter(encodings: [o200k, cl100k])
measure("request-lines-exact", count: lines.count, bytes: lineBytes) { lines.reduce(0) { $0 + counter.tokens(ofLine: $1).input } }
let estimator = RequestTokenCounter()
measure("request-lines-estimate", count: lines.count, bytes: lineBytes) { lines.reduce(0) { $0 + estimator.tokens(ofLine: $1).input } }
