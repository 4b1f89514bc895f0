import Foundation

/// Escaping for text placed in HTML (or SVG) content and attribute values, and numbers for display.
public enum HTMLText {
    /// `text` with `& < > " '` replaced by entities: safe in content and in quoted attributes.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A number for display: 4 significant digits, or scientific notation when tiny.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == 0 { return "0" }
        if abs(value) < 0.001 || abs(value) >= 1e6 { return String(format: "%.3e", value) }
        return String(format: "%.4g", value)
    }
}
