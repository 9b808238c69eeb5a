// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "soratrack",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "soratrack", targets: ["soratrack"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
    ],
    targets: [
        // The schema as numbered SQL files, embedded in the binary by SwiftPM (no resource bundle to install).
        .target(name: "Migrations", path: "Migrations", resources: [
            .embedInCode("0001_initial.sql"), .embedInCode("0002_downloads.sql"), .embedInCode("0004_create_attempts.sql"),
            .embedInCode("0005_claims.sql"),
            .embedInCode("PostgreSQL/0001_initial.pg.sql"), .embedInCode("PostgreSQL/0002_downloads.pg.sql"),
            .embedInCode("PostgreSQL/0004_create_attempts.pg.sql"), .embedInCode("PostgreSQL/0005_claims.pg.sql"),
        ]),

        // The domain: ids, phases, videos, poll/download/create attempts, error info; no dependencies.
        .target(name: "VideoModel"),
        // Files that appear only when complete (temporary file, fsync, rename): exports, metrics files, downloads.
        .target(name: "AtomicFile"),
        .target(name: "VideoAPI", dependencies: [
            "VideoModel",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOFoundationCompat", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "JobStore", dependencies: [
            "VideoModel", "Migrations",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // The same history in PostgreSQL (`--db postgres://…`), shared by runners on several hosts.
        .target(name: "PostgresStore", dependencies: [
            "JobStore", "VideoModel", "Migrations",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "SyncEngine", dependencies: [
            "VideoAPI", "JobStore", "AtomicFile",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Reports", dependencies: ["JobStore", "VideoModel", "AtomicFile"]),
        .target(name: "VideoSimulator", dependencies: [
            "VideoModel",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The embedded demo: simulator + sync passes + reports, in one process.
        .target(name: "Demo", dependencies: ["VideoSimulator", "SyncEngine", "JobStore", "Reports", "VideoAPI"]),
        .executableTarget(name: "soratrack", dependencies: [
            "AtomicFile", "VideoAPI", "JobStore", "PostgresStore", "SyncEngine", "Reports", "VideoSimulator", "Demo",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Fills a database with a large synthetic history for benchmarks (not installed).
        .executableTarget(name: "soratrack-seed", dependencies: ["JobStore", "VideoModel"], path: "bench/Seed"),
        // Times the hand-written JSON reader and writer against Foundation's (not installed).
        .executableTarget(name: "soratrack-json-bench", dependencies: ["VideoModel", "VideoSimulator"], path: "bench/JSONBench"),

        // Runs the built executable as a process and opens a test's history on either backend; shared by the test targets.
        .target(
            name: "TestSupport",
            dependencies: [
                "JobStore", "PostgresStore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/TestSupport"),
        // The targets whose tests run the `soratrack` executable depend on it, so building them builds what they run.
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "JobStore", "VideoAPI", "TestSupport", "soratrack"]),
        .testTarget(name: "VideoAPITests", dependencies: [
            "VideoAPI", "TestSupport",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "JobStoreTests", dependencies: ["JobStore", "VideoModel", "TestSupport"]),
        .testTarget(name: "SyncEngineTests", dependencies: ["SyncEngine", "JobStore", "VideoModel", "TestSupport"]),
        .testTarget(name: "VideoSimulatorTests", dependencies: ["VideoSimulator", "VideoAPI"]),
        // The PostgreSQL store against a real server (started by make test): parity with SQLite, several runners, copy.
        .testTarget(name: "PostgresTests", dependencies: ["PostgresStore", "JobStore", "Migrations", "VideoModel", "VideoSimulator", "TestSupport", "soratrack"]),
        .testTarget(name: "EndToEndTests", dependencies: ["VideoSimulator", "JobStore", "VideoAPI", "TestSupport", "soratrack"]),
    ],
    swiftLanguageModes: [.v6]
)
