import BatchService
import Foundation
import HTTPServer
import Synchronization
import SystemIO

/// The service's metrics, rendered as Prometheus text (exposition format 0.0.4) on `GET /metrics`.
///
/// Requests are counted by method, route pattern (never the raw path, so ids do not explode the label
/// set) and status, with a latency histogram; the batch service reports batches by status, the bytes
/// it moves up and down, and each batch's tokens and cost once (`UsageCounters`).
public final class MetricsRegistry: RequestObserver, UsageObserver, Sendable {
    /// Histogram bucket bounds, in seconds.
    public static let latencyBuckets: [Double] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120]

    private struct RequestKey: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    private struct Histogram {
        var buckets = [UInt64](repeating: 0, count: MetricsRegistry.latencyBuckets.count)
        var count: UInt64 = 0
        var sum: Double = 0
    }

    private struct State {
        var requests: [RequestKey: UInt64] = [:]
        var latency: [String: Histogram] = [:]
        var batchesByStatus: [String: Int] = [:]
        var bytesUploaded: UInt64 = 0
        var bytesDownloaded: UInt64 = 0
    }

    private let state = Mutex(State())
    private let usage = UsageCounters()

    /// An empty registry.
    public init() {}

    public func requestFinished(_ record: RequestRecord) {
        let route = record.route ?? "unmatched"
        let seconds = record.duration.inSeconds
        state.withLock { state in
            state.requests[RequestKey(method: record.method.rawValue, route: route, status: record.status), default: 0] += 1
            var histogram = state.latency[route] ?? Histogram()
            for (index, bound) in Self.latencyBuckets.enumerated() where seconds <= bound {
                histogram.buckets[index] += 1
            }
            histogram.count += 1
            histogram.sum += seconds
            state.latency[route] = histogram
        }
    }

    /// Replaces the count of batches in each status (from the service's view of `outputs/`).
    public func setBatches(byStatus counts: [String: Int]) {
        state.withLock { $0.batchesByStatus = counts }
    }

    /// Adds bytes sent to the backend (uploads) and received from it (downloads).
    public func addTransfer(uploaded: UInt64 = 0, downloaded: UInt64 = 0) {
        state.withLock {
            $0.bytesUploaded += uploaded
            $0.bytesDownloaded += downloaded
        }
    }

    /// Counts a batch's tokens and cost (told once per batch by the coordinator's `UsageLedger`).
    public func usageTallied(_ report: UsageReport) {
        usage.add(report)
    }

    /// The Prometheus text of every metric, in a stable order.
    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        lines.append("# HELP batch_openai_http_requests_total HTTP requests served, by method, route and status.")
        lines.append("# TYPE batch_openai_http_requests_total counter")
        for (key, count) in snapshot.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            lines.append("batch_openai_http_requests_total{method=\"\(key.method)\",route=\"\(Self.escape(key.route))\",status=\"\(key.status)\"} \(count)")
        }
        lines.append("# HELP batch_openai_http_request_duration_seconds Time from request head to response end.")
        lines.append("# TYPE batch_openai_http_request_duration_seconds histogram")
        for (route, histogram) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            let label = "route=\"\(Self.escape(route))\""
            for (index, bound) in Self.latencyBuckets.enumerated() {
                lines.append("batch_openai_http_request_duration_seconds_bucket{\(label),le=\"\(Self.format(bound))\"} \(histogram.buckets[index])")
            }
            lines.append("batch_openai_http_request_duration_seconds_bucket{\(label),le=\"+Inf\"} \(histogram.count)")
            lines.append("batch_openai_http_request_duration_seconds_sum{\(label)} \(Self.format(histogram.sum))")
            lines.append("batch_openai_http_request_duration_seconds_count{\(label)} \(histogram.count)")
        }
        // Named for what it is: the status each batch.json last recorded. Counting "current" statuses would
        // mean a backend call per batch per scrape; the stored one is refreshed whenever the service fetches
        // the batch (a status read, a wait, a run's polls, a reused submission), and a terminal one is final.
        lines.append("# HELP batch_openai_batches_last_recorded Batches known locally, by the status last recorded in their batch.json (terminal statuses are final; others are as of the last fetch).")
        lines.append("# TYPE batch_openai_batches_last_recorded gauge")
        for (status, count) in snapshot.batchesByStatus.sorted(by: { $0.key < $1.key }) {
            lines.append("batch_openai_batches_last_recorded{status=\"\(Self.escape(status))\"} \(count)")
        }
        lines.append("# HELP batch_openai_backend_bytes_total Bytes moved to (up) and from (down) the Batch API.")
        lines.append("# TYPE batch_openai_backend_bytes_total counter")
        lines.append("batch_openai_backend_bytes_total{direction=\"up\"} \(snapshot.bytesUploaded)")
        lines.append("batch_openai_backend_bytes_total{direction=\"down\"} \(snapshot.bytesDownloaded)")
        lines += usage.render(escape: Self.escape, format: Self.format)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Label values escape backslash, quote and newline (exposition format).
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
