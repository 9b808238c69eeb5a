import Foundation

/// The throwaway PostgreSQL server `scripts/with-postgres.sh` starts for `make test`: its URL comes in
/// `SORATRACK_TEST_POSTGRES` (`postgres://soratrack:PASSWORD@127.0.0.1:PORT`, no database name). Each test makes its
/// own database, so tests never see each other's rows.
public enum TestPostgres {
    /// The server's URL without a database, or nil when no server was started (plain `swift test`).
    public static var server: String? {
        ProcessInfo.processInfo.environment["SORATRACK_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// True when a server is there to test against.
    public static var available: Bool { server != nil }

    /// The password of the test server's user (tests check it is printed and stored nowhere).
    public static var password: String {
        guard let server, let url = URLComponents(string: server) else { return "" }
        return url.password ?? ""
    }

    /// Creates an empty database and returns its URL (`?sslmode=disable`: the test server has no certificate).
    public static func makeDatabase(_ prefix: String = "t") throws -> String {
        guard let server else { throw Unavailable() }
        let name = "\(prefix)_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        try psql(server + "/postgres", "CREATE DATABASE \(name)")
        return "\(server)/\(name)?sslmode=disable"
    }

    /// Runs `sql` through `psql` on `url` and returns its unaligned, tuples-only output.
    @discardableResult
    public static func psql(_ url: String, _ sql: String) throws -> String {
        // psql takes the URL without soratrack's parameters it also knows (sslmode is a libpq one).
        try run("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
    }

    /// Runs one of the server's client programs (`psql`, `pg_dump`) and returns its output, trimmed.
    public static func run(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        let bin = ProcessInfo.processInfo.environment["SORATRACK_TEST_POSTGRES_BIN"].map { $0 + "/" + program } ?? "/usr/bin/" + program
        process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: bin) ? bin : "/usr/bin/" + program)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(program) failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String { "no PostgreSQL server for the tests (run them through make test)" }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }
}
