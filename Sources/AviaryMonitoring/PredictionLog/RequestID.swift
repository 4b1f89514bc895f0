/// The request ids a deployment gives out: 15 base-32 digits (`0`–`9`, `a`–`v`), 6 for a random
/// group per process and 9 for a counter (45 bits).
///
/// Fifteen characters fit in a `String` without an allocation, and the digits sort like their
/// values. The prediction log stores each block's group and counter range, and finds a request's
/// block from them, without an index entry per request.
public enum RequestID {
    private static let digits = Array("0123456789abcdefghijklmnopqrstuv".utf8)

    /// The id of request `number` of `group` (their low 30 and 45 bits).
    public static func make(group: UInt64, number: UInt64) -> String {
        String(unsafeUninitializedCapacity: 15) { id in
            for k in 0..<6 { id[k] = digits[Int(truncatingIfNeeded: (group >> (25 - 5 * k)) & 31)] }
            for k in 0..<9 { id[6 + k] = digits[Int(truncatingIfNeeded: (number >> (40 - 5 * k)) & 31)] }
            return 15
        }
    }

    /// The group and number of an id made by `make`; nil for any other string.
    public static func parse(_ id: String) -> (group: Int64, number: Int64)? {
        guard id.utf8.count == 15 else { return nil }
        var group: Int64 = 0
        var number: Int64 = 0
        for (k, byte) in id.utf8.enumerated() {
            let digit: Int64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "v"): digit = Int64(byte - UInt8(ascii: "a") + 10)
            default: return nil
            }
            if k < 6 { group = group << 5 | digit } else { number = number << 5 | digit }
        }
        return (group, number)
    }
}
