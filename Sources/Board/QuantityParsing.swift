/// Reading numbers, sizes and durations from the text of a YAML scalar.
///
/// - Integers: decimal (`250`, `-3`) or hexadecimal with `0x` (`0x4000_0000`); `_` may
///   separate digit groups.
/// - Sizes (bytes): an integer as above, or a whole decimal number followed, with or without
///   a space, by a binary unit: `B`, `KiB`, `MiB`, `GiB`, `TiB`. `K`, `M`, `G` and `T` are
///   accepted as shorthand for the same binary multiples, as in linker scripts. `KB`, `MB`,
///   `GB` and `TB` are refused because readers disagree on whether they mean 1000 or 1024.
/// - Durations (nanoseconds): a decimal number, with or without a fraction, and a unit that
///   is required: `ns`, `us` (or `µs`), `ms` or `s`. The result must be a whole number of
///   nanoseconds.
enum QuantityParsing {
  /// Why a text is not a quantity: a hint for the error message, or nil when it simply does
  /// not look like one (the message then shows examples).
  struct Problem: Error, Equatable {
    var hint: String?
  }

  static func integer(_ text: String) -> Int? {
    let (negative, digits) = splitSign(text)
    guard let magnitude = unsigned(digits), magnitude <= UInt64(Int.max) else { return nil }
    return negative ? -Int(magnitude) : Int(magnitude)
  }

  /// A non-negative integer up to 2^64 - 1, for addresses.
  static func unsigned(_ text: String) -> UInt64? {
    if let hex = text.dropPrefix("0x") ?? text.dropPrefix("0X") {
      return digitGroups(hex, allowed: \.isHexDigit).flatMap { UInt64($0, radix: 16) }
    }
    return digitGroups(Substring(text), allowed: \.isASCIIDigit).flatMap { UInt64($0, radix: 10) }
  }

  /// A decimal number such as `8`, `8.0` or `2.5`.
  static func decimal(_ text: String) -> Double? {
    let (_, body) = splitSign(text)
    let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
    return Double(text)
  }

  static let sizeUnits: [(name: String, bytes: Int)] = [
    ("B", 1), ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
    ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("T", 1 << 40),
  ]

  static func size(_ text: String) -> Result<Int, Problem> {
    if let bytes = integer(text) { return .success(bytes) }
    let (number, unit) = splitUnit(text)
    guard !number.isEmpty, !unit.isEmpty else { return .failure(Problem(hint: nil)) }
    guard let multiplier = sizeUnits.first(where: { $0.name == unit })?.bytes else {
      return .failure(Problem(hint: sizeUnitHint(unit)))
    }
    guard let count = integer(number) else {
      if let value = decimal(number) {
        let bytes = value * Double(multiplier)
        let whole = bytes == bytes.rounded() && bytes < 0x1p62
        return .failure(Problem(hint: whole
          ? "sizes are whole numbers of a unit: write \(SizeFormatting.size(Int(bytes)))"
          : "sizes are whole numbers of a unit"))
      }
      return .failure(Problem(hint: nil))
    }
    let (bytes, overflow) = count.multipliedReportingOverflow(by: multiplier)
    guard !overflow else { return .failure(Problem(hint: "that is more than the largest size, 2^63 - 1 bytes")) }
    return .success(bytes)
  }

  static let durationUnits: [(name: String, nanoseconds: Int)] = [
    // "µs" with the micro sign (U+00B5) or the Greek mu (U+03BC): keyboards make either.
    ("ns", 1), ("us", 1_000), ("\u{00B5}s", 1_000), ("\u{03BC}s", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
  ]

  /// A duration in nanoseconds.
  static func duration(_ text: String) -> Result<Int, Problem> {
    let (number, unit) = splitUnit(text)
    guard !number.isEmpty, decimal(number) != nil else { return .failure(Problem(hint: nil)) }
    guard !unit.isEmpty else {
      return .failure(Problem(hint: "a duration needs a unit: ns, us, ms or s"))
    }
    guard let perUnit = durationUnits.first(where: { $0.name == unit })?.nanoseconds else {
      return .failure(Problem(hint: "'\(unit)' is not a duration unit; use ns, us, ms or s"))
    }
    // Whole and fractional parts in integers, so 0.1us is exactly 100ns.
    let parts = number.split(separator: ".", maxSplits: 1)
    guard let whole = Int(parts[0]) else { return .failure(Problem(hint: "too long")) }
    var nanoseconds = whole.multipliedReportingOverflow(by: perUnit)
    if parts.count == 2 {
      let fraction = parts[1]
      guard fraction.count <= 9, let fractionValue = Int(fraction) else {
        return .failure(Problem(hint: "that is not a whole number of nanoseconds"))
      }
      let scale = (0..<fraction.count).reduce(1) { product, _ in product * 10 }
      guard (fractionValue * perUnit) % scale == 0 else {
        return .failure(Problem(hint: "that is not a whole number of nanoseconds"))
      }
      nanoseconds = nanoseconds.partialValue.addingReportingOverflow(fractionValue * perUnit / scale)
    }
    guard !nanoseconds.overflow else { return .failure(Problem(hint: "too long")) }
    return .success(nanoseconds.partialValue)
  }

  // MARK: - Pieces

  private static func splitSign(_ text: String) -> (negative: Bool, rest: String) {
    text.hasPrefix("-") ? (true, String(text.dropFirst())) : (false, text)
  }

  /// `digits` with single `_` separators between groups removed, or nil when it has any
  /// other character, is empty, or starts or ends with `_`.
  private static func digitGroups(_ digits: Substring, allowed: (Character) -> Bool) -> String? {
    let groups = digits.split(separator: "_", omittingEmptySubsequences: false)
    guard groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy(allowed) }) else { return nil }
    return groups.joined()
  }

  /// `"256 MiB"` → (`"256"`, `"MiB"`): the leading number and the trailing unit, spaces trimmed.
  private static func splitUnit(_ text: String) -> (number: String, unit: String) {
    let number = text.prefix { $0.isASCIIDigit || $0 == "." || $0 == "_" }
    let unit = text.dropFirst(number.count).drop { $0 == " " }
    return (String(number), String(unit))
  }

  private static func sizeUnitHint(_ unit: String) -> String {
    let ambiguous = ["KB": "KiB", "kB": "KiB", "kb": "KiB", "MB": "MiB", "mb": "MiB", "GB": "GiB", "gb": "GiB", "TB": "TiB", "tb": "TiB"]
    if let binary = ambiguous[unit] {
      return "'\(unit)' is ambiguous (1000 or 1024?); write \(binary) for the binary unit"
    }
    if let caseInsensitive = sizeUnits.first(where: { $0.name.lowercased() == unit.lowercased() }) {
      return "units are case-sensitive: write \(caseInsensitive.name)"
    }
    return "'\(unit)' is not a size unit; use B, KiB, MiB, GiB or TiB"
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
  fileprivate func dropPrefix(_ prefix: String) -> Substring? {
    hasPrefix(prefix) ? dropFirst(prefix.count) : nil
  }
}
