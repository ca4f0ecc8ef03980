/// How sizes and addresses are written in error messages, the way a board file writes them.
enum SizeFormatting {
  /// `4194304` → `"4MiB"`; sizes that are not a whole number of KiB stay in bytes.
  static func size(_ bytes: Int) -> String {
    let units = [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)]
    for (name, shift) in units where bytes != 0 && bytes % (1 << shift) == 0 {
      return "\(bytes >> shift)\(name)"
    }
    return bytes == 1 ? "1 byte" : "\(bytes) bytes"
  }

  /// `0x10000` with at least `digits` hex digits: `0x010000`.
  static func hex<Value: BinaryInteger>(_ value: Value, digits: Int = 1) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, digits - text.count)) + text
  }

  /// `[offset, end)` as `0x010000..<0x410000`, with as many hex digits as `limit` needs.
  static func range(_ offset: Int, _ end: Int, within limit: Int) -> String {
    let digits = max(6, String(max(limit - 1, 0), radix: 16).count)
    return "\(hex(offset, digits: digits))..<\(hex(end, digits: digits))"
  }

  /// "the nearest are 0x410000 and 0x411000": the multiples of `step` either side of
  /// `value`, leaving out the upper one when it does not fit in `T`.
  static func nearest<T: FixedWidthInteger>(multiplesOf step: T, around value: T, written: (T) -> String) -> String {
    let below = value / step * step
    let (above, overflow) = below.addingReportingOverflow(step)
    return overflow ? "the nearest is \(written(below))" : "the nearest are \(written(below)) and \(written(above))"
  }
}
