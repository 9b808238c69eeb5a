/// The SQL migrations of `Migrations/*.sql`, embedded in the binary by SwiftPM (`embedInCode` in Package.swift).
///
/// A new migration is a new file, named in Package.swift's `resources` and added here in order; a test checks that
/// this list and the folder agree byte for byte.
public enum Migrations {
    /// Every migration as (name without `.sql`, SQL text), in the order they must run.
    public static let all: [(name: String, sql: String)] = [
        ("0001_initial", PackageResources._001_initial_sql),
        ("0002_downloads", PackageResources._002_downloads_sql),
        ("0004_create_attempts", PackageResources._004_create_attempts_sql),
        ("0005_claims", PackageResources._005_claims_sql),
    ].map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }

    /// The same migrations in PostgreSQL's dialect (`Migrations/PostgreSQL/*.pg.sql`), with the same names and numbers:
    /// a history has one schema version whichever backend holds it.
    public static let postgres: [(name: String, sql: String)] = [
        ("0001_initial", PackageResources._001_initial_pg_sql),
        ("0002_downloads", PackageResources._002_downloads_pg_sql),
        ("0004_create_attempts", PackageResources._004_create_attempts_pg_sql),
        ("0005_claims", PackageResources._005_claims_pg_sql),
    ].map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
}
