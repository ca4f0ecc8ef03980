/// The time unit of a waveform file (`$timescale 10 ps $end`): a magnitude of 1, 10 or 100
/// and a unit from seconds to femtoseconds (IEEE 1364-2005 §18.2.3.6).
public struct Timescale: Hashable, Sendable, CustomStringConvertible {
  public enum Unit: String, CaseIterable, Sendable {
    case s, ms, us, ns, ps, fs
    /// Power of ten of one unit in seconds.
    public var exponent: Int {
      switch self { case .s: 0; case .ms: -3; case .us: -6; case .ns: -9; case .ps: -12; case .fs: -15 }
    }
  }

  public let magnitude: Int
  public let unit: Unit

  public init(magnitude: Int, unit: Unit) {
    self.magnitude = magnitude
    self.unit = unit
  }

  /// Parses `1ns`, `10 ps`, `100fs`; nil for anything else.
  public init?(_ text: String) {
    let compact = text.filter { !$0.isWhitespace }
    let digits = compact.prefix { $0.isNumber }
    guard let magnitude = Int(digits), [1, 10, 100].contains(magnitude),
          let unit = Unit(rawValue: String(compact.dropFirst(digits.count)))
    else { return nil }
    self.init(magnitude: magnitude, unit: unit)
  }

  /// One tick in seconds.
  public var seconds: Double {
    var value = Double(magnitude)
    for _ in 0..<(-unit.exponent) { value /= 10 }
    return value
  }

  public var description: String { "\(magnitude)\(unit.rawValue)" }
}
