import Foundation

/// Reads CSV records one at a time from a file, in constant memory: RFC 4180 quoting
/// (separators, quotes and newlines inside quoted fields), `\n` or `\r\n` line ends.
public struct CSVReader {
    private let handle: FileHandle?
    private let separator: UInt8
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    /// Line number (1-based) where the record last returned by `next()` started.
    public private(set) var line = 0
    private var nextLine = 1

    /// Bytes read from the file at a time.
    static let chunkSize = 1 << 20
    /// A single field longer than this is refused rather than buffered without bound.
    public static let maximumFieldLength = 16 << 20

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

    /// The next record's fields, or nil at the end of the file. Blank lines are skipped.
    public mutating func next() throws -> [String]? {
        while true {
            guard try fill(minimum: 1) else { return nil }
            line = nextLine
            if buffer[position] == UInt8(ascii: "\n") {
                position += 1
                nextLine += 1
                continue
            }
            if buffer[position] == UInt8(ascii: "\r"), try fill(minimum: 2), buffer[position + 1] == UInt8(ascii: "\n") {
                position += 2
                nextLine += 1
                continue
            }
            return try readRecord()
        }
    }

    private mutating func readRecord() throws -> [String] {
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var fieldStart = true
        while true {
            guard try fill(minimum: 1) else {
                guard !quoted else { throw AviaryError.invalid("CSV line \(line): a quoted field is never closed") }
                fields.append(String(decoding: field, as: UTF8.self))
                return fields
            }
            let byte = buffer[position]
            position += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if try fill(minimum: 1), buffer[position] == UInt8(ascii: "\"") {
                        field.append(byte)
                        position += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { nextLine += 1 }
                    field.append(byte)
                }
            } else if byte == separator {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                fieldStart = true
                continue
            } else if byte == UInt8(ascii: "\n") {
                nextLine += 1
                if field.last == UInt8(ascii: "\r") { field.removeLast() }
                fields.append(String(decoding: field, as: UTF8.self))
                return fields
            } else if byte == UInt8(ascii: "\""), fieldStart {
                quoted = true
            } else {
                field.append(byte)
            }
            fieldStart = false
            guard field.count <= Self.maximumFieldLength else {
                throw AviaryError.invalid("CSV line \(line): a field is longer than \(Self.maximumFieldLength) bytes")
            }
        }
    }

    /// Makes at least `minimum` unread bytes available; false when the file ends first.
    private mutating func fill(minimum: Int) throws -> Bool {
        while buffer.count - position < minimum {
            if atEnd { return false }
            if position > 0 {
                buffer.removeFirst(position)
                position = 0
            }
            let chunk = try handle?.read(upToCount: Self.chunkSize) ?? Data()
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
        return true
    }
}
