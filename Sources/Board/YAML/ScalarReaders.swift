/// Readers for the scalar values of a board file: each returns the value, or reports what
/// was expected instead and returns nil.
extension YAMLValue {
  static let sizeExamples = "a size such as 4096, 0x1000, 4KiB or 256 MiB"

  /// A decimal or 0x hexadecimal integer, within `range` when one is given.
  func integer(in range: ClosedRange<Int>? = nil) -> Int? {
    guard let text, !isNull, let value = QuantityParsing.integer(text) else {
      return mismatch(expected: range.map { "an integer from \($0.lowerBound) to \($0.upperBound)" } ?? "an integer")
    }
    if let range, !range.contains(value) {
      return outOfRange(expected: "an integer from \(range.lowerBound) to \(range.upperBound)")
    }
    return value
  }

  /// An integer that must be one of `allowed`.
  func integer(oneOf allowed: [Int]) -> Int? {
    let expectation = Self.oneOf(allowed.map(String.init))
    guard let text, !isNull, let value = QuantityParsing.integer(text) else {
      return mismatch(expected: expectation)
    }
    guard allowed.contains(value) else { return outOfRange(expected: expectation) }
    return value
  }

  /// A non-negative integer that fits in `bits` bits, usually written in hex (ids, addresses).
  func unsigned(bits: Int) -> UInt64? {
    let maximum: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
    let expectation = "a \(bits)-bit unsigned integer (0 to \(SizeFormatting.hex(maximum)))"
    guard let text, !isNull, let value = QuantityParsing.unsigned(text) else {
      return mismatch(expected: expectation)
    }
    guard value <= maximum else { return outOfRange(expected: expectation) }
    return value
  }

  /// A decimal number that must be one of `allowed`.
  func decimal(oneOf allowed: [Double]) -> Double? {
    let expectation = Self.oneOf(allowed.map { String($0) })
    guard let text, !isNull, let value = QuantityParsing.decimal(text) else {
      return mismatch(expected: expectation)
    }
    guard allowed.contains(value) else { return outOfRange(expected: expectation) }
    return value
  }

  /// A non-empty string; when `allowed` is given, only of those characters (described by
  /// `allowedDescription`).
  func string(allowed: Set<Character>? = nil, allowedDescription: String = "") -> String? {
    guard let text, !isNull, !text.isEmpty else {
      return mismatch(expected: allowed == nil ? "a string" : "a name of \(allowedDescription)")
    }
    if let allowed, let bad = text.first(where: { !allowed.contains($0) }) {
      return outOfRange(expected: "a name of \(allowedDescription)", hint: "'\(bad)' is not allowed")
    }
    return text
  }

  /// A size in bytes, at least `minimum`, at most `maximum`; a power of two when
  /// `powerOfTwo` is set, a multiple of `multiple` when it is given.
  func size(minimum: Int = 1, maximum: Int? = nil, powerOfTwo: Bool = false, multiple: Int? = nil) -> Int? {
    guard let text, !isNull else { return mismatch(expected: Self.sizeExamples) }
    let bytes: Int
    switch QuantityParsing.size(text) {
    case .success(let value): bytes = value
    case .failure(let problem): return mismatch(expected: Self.sizeExamples, hint: problem.hint)
    }
    let bounds = maximum.map { "from \(SizeFormatting.size(minimum)) to \(SizeFormatting.size($0))" }
      ?? "of at least \(SizeFormatting.size(minimum))"
    if powerOfTwo {
      let inBounds = minimum...(maximum ?? .max)
      guard inBounds.contains(bytes), bytes.nonzeroBitCount == 1 else {
        return outOfRange(expected: "a power of two \(bounds)", hint: Self.nearestPowersOfTwo(bytes, within: inBounds))
      }
    } else if bytes < minimum || bytes > (maximum ?? .max) {
      return outOfRange(expected: "a size \(bounds)")
    }
    if let multiple, bytes % multiple != 0 {
      return outOfRange(
        expected: "a multiple of \(SizeFormatting.size(multiple))",
        hint: SizeFormatting.nearest(multiplesOf: multiple, around: bytes, written: SizeFormatting.size))
    }
    return bytes
  }

  /// A byte offset or address: an integer or a size, a multiple of `alignment`.
  func offset(alignment: Int, bits: Int = 63) -> UInt64? {
    guard let text, !isNull else { return mismatch(expected: "an offset such as 0x10000 or 64KiB") }
    let value: UInt64
    if let unsigned = QuantityParsing.unsigned(text) {
      value = unsigned
    } else if case .success(let bytes) = QuantityParsing.size(text), bytes >= 0 {
      value = UInt64(bytes)
    } else {
      return mismatch(expected: "an offset such as 0x10000 or 64KiB")
    }
    guard bits == 64 || value < (1 << UInt64(bits)) else {
      return outOfRange(expected: "an offset below \(SizeFormatting.hex(UInt64(1) << UInt64(bits)))")
    }
    guard value % UInt64(alignment) == 0 else {
      return outOfRange(
        expected: "a multiple of \(SizeFormatting.size(alignment)) (\(SizeFormatting.hex(alignment)))",
        hint: SizeFormatting.nearest(multiplesOf: UInt64(alignment), around: value) { SizeFormatting.hex($0, digits: 6) })
    }
    return value
  }

  /// A duration, in nanoseconds, at least 1 ns.
  func duration() -> Int? {
    let expectation = "a duration such as 100ns, 80us or 4 ms"
    guard let text, !isNull else { return mismatch(expected: expectation) }
    switch QuantityParsing.duration(text) {
    case .success(let nanoseconds) where nanoseconds > 0: return nanoseconds
    case .success: return outOfRange(expected: "a duration of at least 1ns")
    case .failure(let problem): return mismatch(expected: expectation, hint: problem.hint)
    }
  }

  // MARK: - Wording

  /// `["1", "2", "4"]` → `1, 2 or 4`.
  static func list(_ items: [String]) -> String {
    guard items.count > 1 else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " or " + items[items.count - 1]
  }

  /// `3 or 4`; `one of 1, 2 or 4`.
  static func oneOf(_ items: [String]) -> String {
    items.count > 2 ? "one of \(list(items))" : list(items)
  }

  /// The powers of two either side of `value` that lie `within` bounds, as a hint; nil when
  /// `value` is itself a power of two (then only the bounds were broken) or none qualifies.
  static func nearestPowersOfTwo(_ value: Int, within bounds: ClosedRange<Int>) -> String? {
    guard value > 0, value.nonzeroBitCount != 1 else { return nil }
    let below = 1 << (Int.bitWidth - 1 - value.leadingZeroBitCount)
    let (above, overflow) = below.multipliedReportingOverflow(by: 2)
    let candidates = [below] + (overflow ? [] : [above])
    let suggestions = candidates.filter(bounds.contains).map(SizeFormatting.size)
    switch suggestions.count {
    case 0: return nil
    case 1: return "the nearest is \(suggestions[0])"
    default: return "the nearest are \(suggestions[0]) and \(suggestions[1])"
    }
  }
}

extension YAMLValue {
  /// One of a fixed set of words, spelled exactly; a near miss is named in the message.
  func choice(_ options: [String], hint: String? = nil) -> String? {
    let expectation = Self.oneOf(options)
    guard let text, !isNull else { return mismatch(expected: expectation) }
    guard options.contains(text) else {
      let nearest = EditDistance.nearest(to: text, among: options)
      return outOfRange(expected: expectation, hint: nearest.map { "did you mean '\($0)'?" } ?? hint)
    }
    return text
  }
}
