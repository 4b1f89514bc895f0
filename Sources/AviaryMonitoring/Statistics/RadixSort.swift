/// Sorts doubles by their bits, byte by byte (least significant first): several times faster
/// than a comparison sort on the million-value columns the drift tests sort.
enum RadixSort {
    /// `values` sorted ascending; they must not hold NaN. -0.0 sorts before 0.0 (they compare
    /// equal, so every consumer treats them alike).
    static func sorted(_ values: [Double]) -> [Double] {
        guard values.count > 256 else { return values.sorted() }
        // Order-preserving keys: flip every bit of negatives, only the sign bit of the rest.
        var keys = values.map { value -> UInt64 in
            let bits = value.bitPattern
            return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
        }
        var scratch = [UInt64](repeating: 0, count: keys.count)
        keys.withUnsafeMutableBufferPointer { keys in
            scratch.withUnsafeMutableBufferPointer { scratch in
                var source = keys
                var target = scratch
                var counts = [Int](repeating: 0, count: 256)
                for shift in stride(from: 0, to: 64, by: 8) {
                    for k in 0..<256 { counts[k] = 0 }
                    for key in source { counts[Int((key >> UInt64(shift)) & 0xFF)] += 1 }
                    // A byte every key shares orders nothing: skip the pass.
                    if counts.contains(source.count) { continue }
                    var total = 0
                    for k in 0..<256 {
                        let c = counts[k]
                        counts[k] = total
                        total += c
                    }
                    for key in source {
                        let bucket = Int((key >> UInt64(shift)) & 0xFF)
                        target[counts[bucket]] = key
                        counts[bucket] += 1
                    }
                    swap(&source, &target)
                }
                if source.baseAddress != keys.baseAddress {
                    keys.baseAddress!.update(from: source.baseAddress!, count: keys.count)
                }
            }
        }
        return keys.map { key in
            Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
        }
    }
}
