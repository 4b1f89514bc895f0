/// Lowercase hexadecimal, written digit by digit: `String(radix:)` with padding and
/// interpolation costs microseconds, which matters for ids made on every request.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Writes `value` as 16 digits, zero-padded, into `buffer` from `offset` on.
    public static func write(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        for k in 0..<16 { buffer[offset + k] = digits[Int(truncatingIfNeeded: (value >> (60 - 4 * k)) & 0xF)] }
    }

    /// `bytes` as two digits each.
    public static func string(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            for (k, byte) in bytes.enumerated() {
                text[2 * k] = digits[Int(byte >> 4)]
                text[2 * k + 1] = digits[Int(byte & 0xF)]
            }
            return bytes.count * 2
        }
    }
}
