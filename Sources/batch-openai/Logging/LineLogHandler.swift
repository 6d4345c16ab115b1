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
        // The logger's, the provider's and the call's metadata, later ones winning, gathered in one array rather
        // than merged dictionaries: this runs once per request for the access log.
        let provided = metadataProvider?.get() ?? [:]
        let explicit = event.metadata ?? [:]
        var pairs: [(key: String, value: Logger.MetadataValue)] = []
        pairs.reserveCapacity(metadata.count + provided.count + explicit.count + 1)
        pairs.append(contentsOf: metadata.lazy.map { (key: $0.key, value: $0.value) })
        pairs.append(contentsOf: provided.lazy.map { (key: $0.key, value: $0.value) })
        pairs.append(contentsOf: explicit.lazy.map { (key: $0.key, value: $0.value) })
        if let error = event.error { pairs.append((key: "error", value: .string(String(describing: error)))) }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        sink.append(LogLineFormat.line(
            seconds: now.tv_sec, milliseconds: now.tv_nsec / 1_000_000, level: event.level, label: label,
            message: event.message.description, pairs: pairs
        ))
    }
}
