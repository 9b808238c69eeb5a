import ArgumentParser
import Logging

/// `--quiet` and `--verbose`: how much goes to stderr.
struct LogOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print nothing but errors (for cron).")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Log every attempt and decision to stderr.")
    var verbose = false

    /// A logger to stderr at the chosen level.
    func makeLogger(label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = quiet ? .error : (verbose ? .debug : .warning)
        return logger
    }
}
