import Foundation

/// Escaping for text placed in HTML (or SVG) content and attribute values, and numbers for display.
public enum HTMLText {
    /// `text` with `& < > " '` replaced by entities: safe in content and in quoted attributes.
    ///
    /// Works on UTF-8 bytes, not `Character`s: a quote followed by a combining mark is one
    /// Character that equals no quote, but a browser still reads the quote and ends the attribute.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { entity(for: $0) != nil }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            if let entity = entity(for: byte) {
                entity.withUTF8Buffer { out.append(contentsOf: $0) }
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    private static func entity(for byte: UInt8) -> StaticString? {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): "&#39;"
        default: nil
        }
    }

    /// A number for display: 4 significant digits, or scientific notation when tiny.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == 0 { return "0" }
        if abs(value) < 0.001 || abs(value) >= 1e6 { return String(format: "%.3e", value) }
        return String(format: "%.4g", value)
    }
}
