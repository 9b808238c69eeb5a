import ArgumentParser

/// `soratrack simulate`: run the built-in fake Videos API (placeholder until the simulator lands).
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the built-in fake Videos API on 127.0.0.1 and print its base URL.")
    func run() async throws {}
}
