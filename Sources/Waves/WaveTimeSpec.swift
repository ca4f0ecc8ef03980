/// A point in a waveform as a person gives it on the command line:
/// `1200` (a time in the file's units), `300c` (rising clock edge 300, the one that ends cycle 300),
/// `end` (the last timestamp), or `end-100c` / `end-500` (that far before the end).
public enum WaveTimeSpec: Hashable, Sendable, CustomStringConvertible {
  case time(UInt64)
  case cycle(Int)
  case fromEnd(UInt64, cycles: Bool)

  public init?(_ text: String) {
    let text = text.trimmingWhitespace()
    if text == "end" { self = .fromEnd(0, cycles: false); return }
    if text.hasPrefix("end-") {
      let rest = String(text.dropFirst(4))
      if rest.hasSuffix("c"), let count = UInt64(rest.dropLast()) { self = .fromEnd(count, cycles: true); return }
      if let count = UInt64(rest) { self = .fromEnd(count, cycles: false); return }
      return nil
    }
    if text.hasSuffix("c"), let cycle = Int(text.dropLast()), cycle >= 0 { self = .cycle(cycle); return }
    if let time = UInt64(text) { self = .time(time); return }
    return nil
  }

  public var description: String {
    switch self {
    case let .time(time): return "\(time)"
    case let .cycle(cycle): return "\(cycle)c"
    case .fromEnd(0, _): return "end"
    case let .fromEnd(count, cycles): return "end-\(count)\(cycles ? "c" : "")"
    }
  }

  /// True when resolving this needs the clock.
  public var needsClock: Bool {
    switch self {
    case .time: return false
    case .cycle: return true
    case let .fromEnd(_, cycles): return cycles
    }
  }

  /// The time in the file's units; `end` and `clock` are asked for only when needed.
  public func resolve(clock: () throws -> WaveClock, end: () throws -> UInt64) throws -> UInt64 {
    switch self {
    case let .time(time): return time
    case let .cycle(cycle): return try clock().time(ofCycle: cycle)
    case let .fromEnd(count, cycles):
      let last = try end()
      let distance = cycles ? count * (try clock().period) : count
      return last > distance ? last - distance : 0
    }
  }

  public static let syntax = "a time in the file's units (1200), a cycle (300c), end, or end-100c / end-500"
}

extension String {
  func trimmingWhitespace() -> String {
    String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
  }
}
