/// How rows are printed: aligned table for people, CSV/JSON/NDJSON for programs.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json, ndjson
}
