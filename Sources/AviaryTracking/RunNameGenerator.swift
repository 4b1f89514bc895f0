/// Generates friendly run names like MLflow's `bright-fox-123`.
public enum RunNameGenerator {
    static let predicates = [
        "able", "bold", "brave", "bright", "calm", "clean", "clever", "crisp", "dapper", "eager",
        "fair", "fun", "gentle", "glad", "grand", "honest", "kind", "lively", "lucky", "merry",
        "nice", "polite", "proud", "quick", "quiet", "rare", "sharp", "shy", "silent", "sleek",
        "smart", "sunny", "swift", "tidy", "vast", "warm", "wise", "witty", "zealous", "youthful",
    ]
    static let nouns = [
        "ant", "ape", "bass", "bat", "bear", "bee", "carp", "cat", "crane", "crow", "deer", "doe",
        "dove", "duck", "eel", "elk", "finch", "fly", "fox", "frog", "gnu", "goat", "gull", "hare",
        "hawk", "hen", "horse", "jay", "koi", "lark", "lynx", "mink", "moth", "mouse", "newt", "owl",
        "ox", "panda", "pig", "quail", "ram", "robin", "seal", "shrew", "slug", "snail", "sow",
        "squid", "stag", "swan", "toad", "trout", "wasp", "whale", "wolf", "worm", "wren", "yak",
    ]

    /// A new random name: predicate, noun and a number below 1000.
    public static func generate() -> String {
        "\(predicates.randomElement() ?? "new")-\(nouns.randomElement() ?? "run")-\(Int.random(in: 0..<1000))"
    }
}
