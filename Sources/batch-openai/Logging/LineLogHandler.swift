import Glibc
import Logging

/// The executable's log handler: each record becomes one escaped line (`LogLineFormat`) handed to a `LogSink`,
/// which writes it to stderr off the caller's path. Every command's logger is made with it (`CommonOptions`), and
/// `LoggingSystem` is bootstrapped with it at start, so a library's default `Logger(label:)` writes the same way.
struct LineLogHandler: LogHandler {
    /// The logger's label, written on every line.
    let label: String
    /// Where the lines go.
    let sink: LogSink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, sink: LogSink = .standardError, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sink = sink
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            if merged.isEmpty { merged = explicit } else { merged.merge(explicit) { _, new in new } }
        }
        if let error = event.error { merged["error"] = .string(String(describing: error)) }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        sink.append(LogLineFormat.line(
            seconds: now.tv_sec, milliseconds: now.tv_nsec / 1_000_000, level: event.level, label: label,
            message: event.message.description, metadata: merged
        ))
    }
}
