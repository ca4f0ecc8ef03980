import Foundation

/// A streaming reader of Value Change Dump files (IEEE 1364-2005 §18): it parses the header
/// (timescale, scopes, variables) when opened, then hands out value changes one at a time as
/// it reads them. Nothing but the current chunk of the file is held, so a file of any size can
/// be scanned in constant memory; callers keep only the values they need.
public final class VCDReader {
  public let path: String
  public let header: WaveHeader
  private let source: WaveSource?
  private let tokens: ByteTokens
  /// Codes whose changes the caller asked for, packed as integers (see `key(_:)`), and the index it gave them.
  private var wanted: [UInt64: Int] = [:]
  private var wantedLong: [String: Int] = [:]
  /// Codes of one or two characters (the common case) index this table directly: no hashing
  /// for the many changes of signals nobody asked for. -1 means not wanted.
  private var wantedShort = [Int32](repeating: -1, count: 94 + 94 * 94)

  /// Opens `path` (`.vcd`, or `.fst` through `fst2vcd`) and reads its header.
  public convenience init(path: String) throws {
    try self.init(path: path, chunkSize: 1 << 20)
  }

  /// `chunkSize`: bytes read at a time (tests make it tiny so tokens straddle chunks).
  init(path: String, chunkSize: Int) throws {
    self.path = path
    let source = try WaveSource(path: path)
    self.source = source
    tokens = ByteTokens(descriptor: source.descriptor, chunkSize: chunkSize)
    do {
      header = try VCDReader.readHeader(tokens, path: path)
    } catch {
      if let failure = source.converterFailure() { throw failure }
      throw error
    }
  }

  /// Reads the whole `.vcd` file into memory first, then parses it from there: what a
  /// non-streaming reader does, kept for comparison (scripts/bench/waves). Needs memory for the file.
  public init(wholeFile path: String) throws {
    self.path = path
    source = nil
    guard let data = FileManager.default.contents(atPath: path) else {
      throw WaveError.cannotOpen(path: path, reason: "cannot read it whole")
    }
    tokens = ByteTokens(contents: [UInt8](data))
    header = try VCDReader.readHeader(tokens, path: path)
  }

  deinit { source?.close() }

  /// Stops reading (ends the converter of an FST file early).
  public func close() { source?.close() }

  /// One value change: at `time`, the variable the caller numbered `index` took `value`.
  public struct Change {
    public let time: UInt64
    public let index: Int
    public let value: WaveValue
  }

  /// Reads value changes in file order, calling `body` for those of `variables` (numbered by
  /// their position in that array; variables sharing a code get the first index) and `onTime`
  /// at every new timestamp. Either returns false to stop reading.
  public func scan(_ variables: [WaveVariable],
                   onTime: (UInt64) throws -> Bool = { _ in true },
                   body: (Change) throws -> Bool) throws {
    var widths: [Int] = []
    for (index, variable) in variables.enumerated() {
      widths.append(variable.width)
      let bytes = Array(variable.code.utf8)
      if let slot = VCDReader.shortSlot(bytes) {
        if wantedShort[slot] < 0 { wantedShort[slot] = Int32(index) }
      } else if bytes.count <= 8 {
        if wanted[VCDReader.key(bytes)] == nil { wanted[VCDReader.key(bytes)] = index }
      } else if wantedLong[variable.code] == nil {
        wantedLong[variable.code] = index
      }
    }
    defer {
      wanted = [:]
      wantedLong = [:]
      for index in wantedShort.indices { wantedShort[index] = -1 }
    }
    var time: UInt64 = 0
    var scratch: [UInt8] = []
    scratch.reserveCapacity(1024)
    while let token = tokens.next() {
      let first = token[0]
      switch first {
      case UInt8(ascii: "#"):
        guard let value = UnsafeBufferPointer(rebasing: token[1...]).decimal else {
          throw malformed("'\(token.text)' is not a timestamp (# followed by a decimal number)")
        }
        time = value
        if try !onTime(time) { return }
      case UInt8(ascii: "b"), UInt8(ascii: "B"):
        // A token is valid only until the next one is read: keep the bits in a reused buffer.
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: token[1...]))
        guard let code = tokens.next() else { throw malformed("vector value '\(token.text)' has no identifier code") }
        if let index = lookup(code) {
          let value = WaveValue(bytes: scratch, width: widths[index])
          if try !body(Change(time: time, index: index, value: value)) { return }
        }
      case UInt8(ascii: "r"), UInt8(ascii: "R"):
        // Real values are read past; a real variable is listed but not drawn.
        guard tokens.next() != nil else { throw malformed("real value '\(token.text)' has no identifier code") }
      case UInt8(ascii: "$"):
        // $dumpvars, $dumpall, $dumpon and $dumpoff bracket ordinary value changes; $comment has text to skip.
        if token.text == "$comment" { try skipToEnd() }
      case UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "x"), UInt8(ascii: "X"),
           UInt8(ascii: "z"), UInt8(ascii: "Z"), UInt8(ascii: "u"), UInt8(ascii: "U"),
           UInt8(ascii: "w"), UInt8(ascii: "W"), UInt8(ascii: "l"), UInt8(ascii: "L"),
           UInt8(ascii: "h"), UInt8(ascii: "H"), UInt8(ascii: "-"):
        guard token.count > 1 else { throw malformed("scalar value '\(token.text)' has no identifier code") }
        if let index = lookup(UnsafeBufferPointer(rebasing: token[1...])) {
          let value = widths[index] == 1
            ? WaveValue.scalars[VCDReader.scalarIndex(WaveValue.normalised(first))]
            : WaveValue(bytes: CollectionOfOne(first), width: widths[index])
          if try !body(Change(time: time, index: index, value: value)) { return }
        }
      default:
        throw malformed("unexpected '\(token.text)' among value changes")
      }
    }
    if let failure = source?.converterFailure() { throw failure }
  }

  /// The last timestamp in the file: from a `.vcd` file's tail, from an `.fst` file's header
  /// block, else by reading the file through.
  public static func lastTime(path: String) throws -> UInt64 {
    if path.lowercased().hasSuffix(".vcd"), let time = try tailTime(path: path) { return time }
    if path.lowercased().hasSuffix(".fst"), let time = fstEndTime(path: path) { return time }
    let reader = try VCDReader(path: path)
    var last: UInt64 = 0
    try reader.scan([], onTime: { last = $0; return true }, body: { _ in true })
    return last
  }

  // MARK: - Reading

  @inline(__always)
  private func lookup(_ code: UnsafeBufferPointer<UInt8>) -> Int? {
    if let slot = VCDReader.shortSlot(code) {
      let index = wantedShort[slot]
      return index < 0 ? nil : Int(index)
    }
    if code.count <= 8 { return wanted.isEmpty ? nil : wanted[VCDReader.key(code)] }
    return wantedLong.isEmpty ? nil : wantedLong[code.text]
  }

  @inline(__always)
  static func scalarIndex(_ bit: UInt8) -> Int {
    switch bit { case UInt8(ascii: "0"): 0; case UInt8(ascii: "1"): 1; case UInt8(ascii: "z"): 3; default: 2 }
  }

  /// The table slot of a code of one or two printable characters (`!` to `~`), nil for others.
  @inline(__always)
  static func shortSlot<C: Collection>(_ code: C) -> Int? where C.Element == UInt8, C.Index == Int {
    let first = code.startIndex
    if code.count == 1, code[first] >= 33, code[first] <= 126 { return Int(code[first] - 33) }
    if code.count == 2, code[first] >= 33, code[first] <= 126, code[first + 1] >= 33, code[first + 1] <= 126 {
      return 94 + Int(code[first] - 33) * 94 + Int(code[first + 1] - 33)
    }
    return nil
  }

  /// A code of up to 8 bytes packed into one integer (codes are printable ASCII, so never 0).
  @inline(__always)
  static func key<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
    var key: UInt64 = 0
    for byte in bytes { key = key << 8 | UInt64(byte) }
    return key
  }

  private func skipToEnd() throws {
    while let token = tokens.next() { if token.text == "$end" { return } }
    throw malformed("$comment is not closed by $end")
  }

  private func malformed(_ message: String) -> WaveError {
    .malformed(path: path, line: tokens.line, message: message)
  }

  /// An FST file opens with its header block (GTKWave's fstapi.c, `fstWriterEmitHdrBytes`):
  /// block type 0, a 64-bit section length, then the start and end times, all big-endian.
  private static func fstEndTime(path: String) -> UInt64? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    let bytes = [UInt8](handle.readData(ofLength: 25))
    guard bytes.count == 25, bytes[0] == 0 else { return nil }
    return bytes[17..<25].reduce(0) { $0 << 8 | UInt64($1) }
  }

  private static func tailTime(path: String) throws -> UInt64? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    let size = try handle.seekToEnd()
    var span: UInt64 = 1 << 16
    while true {
      let start = size > span ? size - span : 0
      try handle.seek(toOffset: start)
      let data = handle.readData(ofLength: Int(size - start))
      // The last "#digits" that starts a line is the last timestamp.
      let bytes = [UInt8](data)
      var index = bytes.count - 1
      while index >= 0 {
        if bytes[index] == UInt8(ascii: "#") && (index == 0 ? start == 0 : bytes[index - 1] <= 32) {
          var end = index + 1
          while end < bytes.count && bytes[end] > 32 { end += 1 }
          if let value = bytes[(index + 1)..<end].withUnsafeBufferPointer({ $0.decimal }) { return value }
        }
        index -= 1
      }
      if start == 0 { return nil }
      span *= 4
    }
  }
}
