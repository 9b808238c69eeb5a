/// A way proxies in front of the Videos API reshape its answers, applied to one job or to all.
public enum Quirk: String, Sendable, Hashable, CaseIterable {
    /// `created_at`, `completed_at` and `expires_at` in milliseconds instead of seconds.
    case millisecondTimestamps = "millisecond_timestamps"
    /// `seconds` as a JSON number (`4`) instead of a string (`"4"`).
    case integerSeconds = "integer_seconds"
    /// Extra fields: `quality` and `task_id` always, `video_url` once completed.
    case extraFields = "extra_fields"
    /// Keys whose value is null are left out instead of sent as null.
    case omitNullKeys = "omit_null_keys"
    /// `submitted`, `processing`, `succeeded` and `error` instead of `queued`, `in_progress`, `completed`, `failed`.
    case statusSynonyms = "status_synonyms"
    /// Error responses as a bare `{"code":…,"message":…}` instead of the `{"error":{…}}` envelope.
    case bareErrors = "bare_errors"

    /// The status a proxy with `statusSynonyms` sends for `status`.
    static func synonym(of status: String) -> String {
        switch status {
        case "queued": "submitted"
        case "in_progress": "processing"
        case "completed": "succeeded"
        case "failed": "error"
        default: status
        }
    }
}
