import Foundation

/// A `postgres://` or `postgresql://` URL, read the way libpq reads one: `postgres://user:password@host:port/dbname`,
/// with `?sslmode=disable|prefer|require|verify-full`, `sslrootcert=FILE`, and `host=/folder` for a unix socket (also
/// spelt `postgres://%2Frun%2Fpostgresql/dbname`). The password comes from the URL, else `PGPASSWORD`, else
/// `~/.pgpass` (or `PGPASSFILE`); it is never printed: `masked` is the URL to show.
public struct PostgresURL: Sendable, Equatable {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    /// A host name or address, or the folder of a unix socket (starts with `/`).
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var sslMode: SSLMode
    /// Certificates to trust for `verify-full` (default: the system's).
    public var rootCertificate: String?
    /// Nil when no password was found anywhere (trust or peer authentication).
    var password: String?

    /// True when `text` names a PostgreSQL database rather than an SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads `text`; `environment` gives `PGPASSWORD`, `PGPASSFILE`, `PGUSER`, `PGHOST`, `PGPORT`, `PGSSLMODE`, `HOME`.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(PostgresURLError) {
        guard Self.isPostgres(text), let components = URLComponents(string: text) else {
            throw .invalid(Self.mask(text), "expected postgres://user@host:port/dbname")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let known: Set = ["sslmode", "sslrootcert", "host", "port", "user", "password", "dbname", "application_name", "connect_timeout"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw .invalid(Self.mask(text), "unknown parameter \(unknown)")
        }
        let urlHost = components.percentEncodedHost.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        host = query["host"] ?? urlHost ?? environment["PGHOST"] ?? "/var/run/postgresql"
        if let portText = query["port"] ?? components.port.map(String.init) ?? environment["PGPORT"] {
            guard let number = Int(portText), (1...65535).contains(number) else { throw .invalid(Self.mask(text), "bad port \(portText)") }
            port = number
        } else {
            port = 5432
        }
        user = query["user"] ?? components.user?.removingPercentEncoding ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = query["dbname"] ?? (path.isEmpty ? user : (path.removingPercentEncoding ?? path))
        let modeText = query["sslmode"] ?? environment["PGSSLMODE"] ?? "prefer"
        guard let mode = SSLMode(rawValue: modeText) else {
            throw .invalid(Self.mask(text), "sslmode \(modeText) is not one of disable, prefer, require, verify-full")
        }
        sslMode = mode
        rootCertificate = query["sslrootcert"]
        password = query["password"] ?? components.password?.removingPercentEncoding ?? environment["PGPASSWORD"]
        if password == nil {
            let file = environment["PGPASSFILE"] ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".pgpass")
            password = Self.passwordFile(file, host: host, port: port, database: database, user: user)
        }
        masked = Self.mask(text)
    }

    /// The URL as given, its password replaced by `***`: what messages, logs and the database show.
    public let masked: String

    /// True for a unix-socket connection.
    public var isUnixSocket: Bool { host.hasPrefix("/") }

    /// The socket file of a unix-socket connection.
    public var socketPath: String { (host as NSString).appendingPathComponent(".s.PGSQL.\(port)") }

    /// `text` with the password of its user-info part (and any `password=` parameter) replaced by `***`.
    public static func mask(_ text: String) -> String {
        var result = text
        if let scheme = result.range(of: "://") {
            let rest = result[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result.replaceSubrange(result.index(after: colon)..<at, with: "***")
            }
        }
        if let range = result.range(of: "password=") {
            let end = result[range.upperBound...].firstIndex(of: "&") ?? result.endIndex
            result.replaceSubrange(range.upperBound..<end, with: "***")
        }
        return result
    }

    /// The password of the first matching line of a `.pgpass` file (`host:port:database:user:password`, `*` matches
    /// anything, `\:` and `\\` escape); libpq ignores the file when others can read it, and so does this.
    static func passwordFile(_ path: String, host: String, port: Int, database: String, user: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o077 == 0, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return nil
        }
        let hostNames = host.hasPrefix("/") ? ["localhost", host] : [host]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = []
            var field = ""
            var escaped = false
            for character in line {
                if escaped {
                    field.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == ":" && fields.count < 4 {
                    fields.append(field)
                    field = ""
                } else {
                    field.append(character)
                }
            }
            fields.append(field)
            guard fields.count == 5 else { continue }
            func matches(_ pattern: String, _ values: [String]) -> Bool { pattern == "*" || values.contains(pattern) }
            if matches(fields[0], hostNames), matches(fields[1], [String(port)]), matches(fields[2], [database]),
                matches(fields[3], [user])
            {
                return fields[4]
            }
        }
        return nil
    }
}

/// A database URL that cannot be used.
public enum PostgresURLError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String, String)

    public var description: String {
        switch self {
        case .invalid(let url, let reason): "the database URL \(url) cannot be used: \(reason)"
        }
    }
}
