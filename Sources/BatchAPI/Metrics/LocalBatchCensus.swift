import BatchService
import Foundation

/// Counts the batches of the outputs folder by the status their `batch.json` last recorded, for the
/// `batch_openai_batches` gauge. `batch.json` is what the coordinator persists after every poll, so this
/// sees runs that go on in the background too.
enum LocalBatchCensus {
    private struct Recorded: Decodable {
        let status: String
    }

    static func count(in outputsDirectory: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        let decoder = JSONDecoder()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: outputsDirectory)) ?? [] {
            guard (try? BatchID(name)) != nil,
                  let data = FileManager.default.contents(atPath: outputsDirectory + "/" + name + "/batch.json"),
                  let recorded = try? decoder.decode(Recorded.self, from: data)
            else { continue }
            counts[recorded.status, default: 0] += 1
        }
        return counts
    }
}
