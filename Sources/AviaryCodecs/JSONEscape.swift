/// JSON's one-character string escapes, shared by the scoring parser and the log-batch parser.
public enum JSONEscape {
    /// The byte `\x` stands for (`\n` → 0x0A, `\"` → `"`, …); nil for `u` and invalid escapes.
    public static func simple(_ escape: UInt8) -> UInt8? {
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escape
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }
}
