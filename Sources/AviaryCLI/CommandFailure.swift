import ArgumentParser

/// A run-time failure of a command: printed as one `Error: …` line, exit status 1, no usage text
/// (usage is for mistakes in the arguments, which `ValidationError` reports).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) {
        description = message
    }
}
