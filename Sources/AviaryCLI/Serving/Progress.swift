import Foundation

/// A one-line progress counter on stderr, redrawn at most a few times a second, shown only
/// when stderr is a terminal (logs and pipes stay clean).
struct Progress {
    let label: String
    let unit: String
    private let enabled = isatty(STDERR_FILENO) != 0
    private let start = Date()
    private var lastDraw = Date.distantPast
    private(set) var count = 0

    init(label: String, unit: String) {
        self.label = label
        self.unit = unit
    }

    mutating func advance(by n: Int) {
        count += n
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        draw(final: false)
    }

    func finish() {
        if enabled { draw(final: true) }
    }

    private func draw(final: Bool) {
        let seconds = max(Date().timeIntervalSince(start), 1e-9)
        let rate = Int(Double(count) / seconds)
        let line = "\r\(label) \(count.formatted()) \(unit) (\(rate.formatted()) \(unit)/s)\(final ? "\n" : "")"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
