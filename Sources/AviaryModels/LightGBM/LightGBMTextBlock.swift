import AviaryCore

/// One block of LightGBM's text model format: `key=value` lines, values space-separated lists.
struct LightGBMTextBlock {
    /// Where the block came from, for error messages (`header`, `Tree=3`).
    let name: String
    var values: [Substring: Substring] = [:]
    /// Lines without `=` (flags such as `average_output`).
    var flags: Set<Substring> = []

    init(name: String) {
        self.name = name
    }

    mutating func add(line: Substring) {
        if let equals = line.firstIndex(of: "=") {
            values[line[..<equals]] = line[line.index(after: equals)...]
        } else {
            flags.insert(line)
        }
    }

    func string(_ key: Substring) throws -> Substring {
        guard let value = values[key] else { throw AviaryError.invalid("LightGBM model \(name) has no '\(key)' line") }
        return value
    }

    func int(_ key: Substring) throws -> Int {
        guard let value = Int(try string(key)) else { throw malformed("an integer '\(key)'") }
        return value
    }

    func optionalInt(_ key: Substring) throws -> Int? {
        guard values[key] != nil else { return nil }
        return try int(key)
    }

    func ints(_ key: Substring) throws -> [Int] {
        try list(key) { Int($0) }
    }

    func optionalInts(_ key: Substring) throws -> [Int]? {
        guard values[key] != nil else { return nil }
        return try ints(key)
    }

    func doubles(_ key: Substring) throws -> [Double] {
        try list(key) { Double($0) }
    }

    private func list<T>(_ key: Substring, _ parse: (Substring) -> T?) throws -> [T] {
        try string(key).split(separator: " ").map {
            guard let value = parse($0) else { throw malformed("numbers in '\(key)', got '\($0.prefix(40))'") }
            return value
        }
    }

    func malformed(_ expected: String) -> AviaryError {
        AviaryError.invalid("LightGBM model \(name) is malformed: expected \(expected)")
    }
}
