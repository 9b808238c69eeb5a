import Foundation
import JobStore
import VideoModel

/// The database's health as Prometheus text exposition format 0.0.4, for node_exporter's textfile collector.
///
/// Every metric is prefixed `soratrack_` and has `# HELP` and `# TYPE` lines; no sample carries a timestamp
/// (the textfile collector refuses them).
public struct MetricsExposition: Sendable, Equatable {
    /// The type of a metric.
    public enum Kind: String, Sendable {
        case gauge, counter
    }

    /// One label of a sample.
    public struct Label: Sendable, Equatable {
        public var name: String
        public var value: String

        /// A label; the value may hold any text (it is escaped when written).
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// One value of a metric, with its labels.
    public struct Sample: Sendable, Equatable {
        public var labels: [Label]
        public var value: Double

        /// A sample with labels.
        public init(_ labels: [Label], _ value: Double) {
            self.labels = labels
            self.value = value
        }

        /// A sample without labels.
        public init(_ value: Double) {
            self.init([], value)
        }
    }

    /// A metric: name, help text, type and samples (none when the value is not known yet).
    public struct Family: Sendable, Equatable {
        public var name: String
        public var help: String
        public var kind: Kind
        public var samples: [Sample]

        /// A metric family.
        public init(_ name: String, _ kind: Kind, _ help: String, _ samples: [Sample]) {
            self.name = name
            self.kind = kind
            self.help = help
            self.samples = samples
        }
    }

    /// The media type of the format, for an HTTP endpoint.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The metrics, in output order.
    public var families: [Family]

    /// Metrics already built.
    public init(families: [Family]) {
        self.families = families
    }

    /// Reads the metrics of `database` at `now`; failure ratios cover the jobs created in the `window` before it.
    public init(database: any HistoryStore, now: Date, window: Duration) throws(StoreError) {
        self.init(try database.metrics(now: now, window: window))
    }

    /// The families of metrics read from a database.
    public init(_ metrics: StoreMetrics) {
        func seconds(_ milliseconds: Int64?) -> Double { Double(milliseconds ?? 0) / 1000 }
        let finished = metrics.lastFinishedSync
        let window = "created in the last \(metrics.windowSeconds) s"
        families = [
            Family(
                "soratrack_jobs", .gauge, "Jobs in the database by normalised phase (every phase is listed, 0 when none).",
                Phase.allCases.map { Sample([Label("phase", $0.rawValue)], Double(metrics.jobsByPhase[$0] ?? 0)) }),
            Family(
                "soratrack_failure_window_seconds", .gauge,
                "Window of soratrack_failure_ratio and soratrack_finished_jobs: jobs created this long before now.",
                [Sample(Double(metrics.windowSeconds))]),
            Family(
                "soratrack_finished_jobs", .gauge, "Jobs \(window) that completed or failed, by model.",
                metrics.windowByModel.map { Sample([Label("model", $0.group)], Double($0.completed + $0.failed)) }),
            Family(
                "soratrack_failure_ratio", .gauge,
                "failed / (completed + failed) of the jobs \(window), by model (a model with no finished job is left out).",
                metrics.windowByModel.compactMap { counts in
                    FailureReport.failureRate(counts).map { Sample([Label("model", counts.group)], $0) }
                }),
            Family(
                "soratrack_expiring_undownloaded_jobs", .gauge,
                "Completed jobs whose video link expires within the next hour and whose video is not downloaded.",
                [Sample(Double(metrics.expiringUndownloaded))]),
            Family(
                "soratrack_expired_undownloaded_jobs", .gauge,
                "Completed jobs whose video link has expired and whose video was never downloaded.",
                [Sample(Double(metrics.expiredUndownloaded))]),
            Family(
                "soratrack_last_sync_start_timestamp_seconds", .gauge,
                "Start of the newest sync run, finished or not (unix time; 0: never).",
                [Sample(seconds(metrics.lastStartedSync?.startedAt))]),
            Family(
                "soratrack_last_sync_end_timestamp_seconds", .gauge, "End of the newest finished sync run (unix time; 0: never).",
                [Sample(seconds(finished?.finishedAt))]),
            Family(
                "soratrack_last_sync_success_timestamp_seconds", .gauge,
                "End of the newest sync run that exited 0 (unix time; 0: never).",
                [Sample(seconds(metrics.lastSuccessfulSyncAt))]),
            Family(
                "soratrack_last_sync_duration_seconds", .gauge, "Wall time of the newest finished sync run.",
                finished.flatMap { run in run.finishedAt.map { [Sample(Double($0 - run.startedAt) / 1000)] } } ?? []),
            Family(
                "soratrack_last_sync_exit_code", .gauge, "Exit code of the newest finished sync run (0 ok, 1 partial, see the README).",
                finished?.exitCode.map { [Sample(Double($0))] } ?? []),
            Family(
                "soratrack_last_sync_poll_errors", .gauge,
                "Attempts of the newest finished sync run that recorded a poll error, retries included, by HTTP status (none: no response).",
                metrics.lastSyncPollErrors.map { Sample([Label("status", $0.status.map(String.init) ?? "none")], Double($0.count)) }),
            Family(
                "soratrack_snapshots", .gauge, "Snapshot rows stored, one per poll attempt kept (prune lowers it).",
                [Sample(Double(metrics.snapshots))]),
            Family(
                "soratrack_polls_total", .counter, "Poll attempts ever recorded (prune does not lower it).",
                [Sample(Double(metrics.polls))]),
            Family(
                "soratrack_database_size_bytes", .gauge, "Size of the database file and its write-ahead log.",
                [Sample(Double(metrics.databaseBytes))]),
        ]
    }

    /// The whole exposition as text (each line ends with a line feed).
    public var text: String {
        var text = ""
        for family in families {
            text += "# HELP \(family.name) \(Self.escapeHelp(family.help))\n"
            text += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            for sample in family.samples {
                text += family.name
                if !sample.labels.isEmpty {
                    text += "{" + sample.labels.map { "\($0.name)=\"\(Self.escapeLabelValue($0.value))\"" }.joined(separator: ",") + "}"
                }
                text += " " + Self.format(sample.value) + "\n"
            }
        }
        return text
    }

    /// Writes the exposition to `sink` (flush it after).
    public func write(to sink: OutputSink) throws(OutputError) {
        try sink.write(text)
    }

    /// Writes the exposition to `path` atomically (temporary file beside it, then rename), so the textfile
    /// collector never reads half a file. A new file is readable by all (node_exporter runs as another user;
    /// the file holds counts and model names, no prompt or id); a replaced file keeps its mode.
    public func write(toFile path: String) throws {
        let isNew = !FileManager.default.fileExists(atPath: path)
        let file = try AtomicOutputFile(path: path)
        if isNew { file.setMode(0o644) }
        try file.write { sink in try write(to: sink) }
    }

    /// A label value with `\`, `"` and line feeds escaped as the format requires.
    public static func escapeLabelValue(_ value: String) -> String {
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// A help text with `\` and line feeds escaped as the format requires.
    public static func escapeHelp(_ help: String) -> String {
        help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// A sample value: whole numbers without a fraction, others in the shortest exact form, `NaN`, `+Inf`, `-Inf`.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if let whole = NumberFormat.wholeNumber(value) { return String(whole) }
        return "\(value)"
    }
}
