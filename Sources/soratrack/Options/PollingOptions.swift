import ArgumentParser

/// How `sync` and `watch` poll: requests in flight, and when an unfinished job is given up.
struct PollingOptions: ParsableArguments {
    @Option(name: .long, help: "Requests in flight at once.")
    var concurrency = 8

    @Option(name: .long, help: ArgumentHelp("End jobs not finished this long after creation as abandoned.", valueName: "duration"))
    var giveUpAfter = HumanDuration(.seconds(24 * 3600), text: "24h")

    func validate() throws {
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
    }
}
