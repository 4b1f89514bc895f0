import AviaryCore
import Foundation

/// Reads CSV records one at a time from a file or from memory, in constant memory: RFC 4180
/// quoting (separators, doubled quotes and newlines inside quoted fields), `\n` or `\r\n` line
/// ends, blank lines skipped.
///
/// `nextRecord(_:)` hands out each field as bytes without copying (quoted fields are unescaped
/// into a scratch buffer), so numeric columns parse without a `String` per value.
public struct CSVReader {
    private let handle: FileHandle?
    private let separator: UInt8
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    /// Line number (1-based) where the record last returned started.
    public private(set) var line = 0
    private var nextLine = 1

    /// Bytes read from the file at a time.
    static let chunkSize = 1 << 20
    /// A record longer than this is refused rather than buffered without bound.
    public static let maximumRecordLength = 16 << 20

    public init(fileHandle: FileHandle, separator: Character = ",") {
        handle = fileHandle
        self.separator = separator.asciiValue ?? UInt8(ascii: ",")
    }

    /// Reads records from bytes already in memory (a request body).
    public init(data: Data, separator: Character = ",") {
        handle = nil
        self.separator = separator.asciiValue ?? UInt8(ascii: ",")
        buffer = [UInt8](data)
        atEnd = true
    }

    /// The next record's fields as strings, or nil at the end of the input.
    public mutating func next() throws -> [String]? {
        var fields: [String] = []
        guard try nextRecord({ _, bytes in fields.append(String(decoding: bytes, as: UTF8.self)) }) != nil else { return nil }
        return fields
    }

    /// Calls `visit(index, bytes)` for each field of the next record, in order, and returns the
    /// number of fields; nil at the end of the input. The bytes are valid only during the call.
    public mutating func nextRecord(_ visit: (Int, UnsafeRawBufferPointer) throws -> Void) throws -> Int? {
        guard try skipBlankLines() else { return nil }
        line = nextLine
        let (end, quotedNewlines) = try findRecordEnd()
        var contentEnd = end
        if contentEnd > position, buffer[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
        let count = try buffer.withUnsafeBytes { raw in
            try Self.splitFields(UnsafeRawBufferPointer(rebasing: raw[position..<contentEnd]), separator: separator, visit)
        }
        position = min(end + 1, buffer.count)
        nextLine += 1 + quotedNewlines
        return count
    }

    private mutating func skipBlankLines() throws -> Bool {
        while try fill(minimum: 1) {
            if buffer[position] == UInt8(ascii: "\n") {
                position += 1
                nextLine += 1
            } else if buffer[position] == UInt8(ascii: "\r"), try fill(minimum: 2), buffer[position + 1] == UInt8(ascii: "\n") {
                position += 2
                nextLine += 1
            } else {
                return true
            }
        }
        return false
    }

    /// The index of the newline that ends the record at `position` (or the end of the input),
    /// reading more of the file as needed, and how many newlines sit inside quoted fields.
    private mutating func findRecordEnd() throws -> (Int, Int) {
        var scan = position
        var inQuotes = false
        var quotedNewlines = 0
        while true {
            if scan == buffer.count {
                let offset = scan - position
                guard try fill(minimum: offset + 1) else {
                    guard !inQuotes else { throw AviaryError.invalid("CSV line \(line): a quoted field is never closed") }
                    return (buffer.count, quotedNewlines)
                }
                scan = position + offset
                guard offset <= Self.maximumRecordLength else {
                    throw AviaryError.invalid("CSV line \(line): a record is longer than \(Self.maximumRecordLength) bytes")
                }
            }
            let byte = buffer[scan]
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if byte == UInt8(ascii: "\n") {
                if !inQuotes { return (scan, quotedNewlines) }
                quotedNewlines += 1
            }
            scan += 1
        }
    }

    /// Splits one record's bytes into fields, unescaping quoted ones.
    private static func splitFields(_ record: UnsafeRawBufferPointer, separator: UInt8, _ visit: (Int, UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        var count = 0
        var start = 0
        var unescaped: [UInt8] = []
        while true {
            var end = start
            if start < record.count, record[start] == UInt8(ascii: "\"") {
                unescaped.removeAll(keepingCapacity: true)
                end = start + 1
                while end < record.count {
                    if record[end] == UInt8(ascii: "\"") {
                        if end + 1 < record.count, record[end + 1] == UInt8(ascii: "\"") {
                            unescaped.append(UInt8(ascii: "\""))
                            end += 2
                            continue
                        }
                        end += 1
                        break
                    }
                    unescaped.append(record[end])
                    end += 1
                }
                // Text after the closing quote (not RFC 4180, but common) stays part of the field.
                while end < record.count, record[end] != separator {
                    unescaped.append(record[end])
                    end += 1
                }
                try unescaped.withUnsafeBytes { try visit(count, $0) }
            } else {
                while end < record.count, record[end] != separator { end += 1 }
                try visit(count, UnsafeRawBufferPointer(rebasing: record[start..<end]))
            }
            count += 1
            guard end < record.count else { return count }
            start = end + 1
        }
    }

    /// Makes at least `minimum` unread bytes available; false when the input ends first.
    private mutating func fill(minimum: Int) throws -> Bool {
        while buffer.count - position < minimum {
            if atEnd { return false }
            if position > 0 {
                buffer.removeFirst(position)
                position = 0
            }
            guard let handle else {
                atEnd = true
                return false
            }
            // read(2) straight into the buffer: FileHandle.read(upToCount:) reads 4 KiB at a time.
            let start = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: Self.chunkSize))
            let got = buffer.withUnsafeMutableBytes { raw in
                Foundation.read(handle.fileDescriptor, raw.baseAddress! + start, Self.chunkSize)
            }
            guard got >= 0 else {
                buffer.removeLast(Self.chunkSize)
                throw AviaryError.invalid("cannot read the CSV input (errno \(errno))")
            }
            buffer.removeLast(Self.chunkSize - got)
            if got == 0 { atEnd = true }
        }
        return true
    }
}
