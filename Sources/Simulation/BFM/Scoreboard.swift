/// Compares what a design produced with what a reference model expected, in order, and keeps
/// the first mismatch with its cycle and both values (later ones are usually its echoes).
public final class Scoreboard<Value: Equatable> {
  public struct Mismatch: CustomStringConvertible {
    public let name: String
    public let cycle: Int
    /// 0 for the first value compared.
    public let index: Int
    /// nil when the design produced a value the reference did not expect at all.
    public let expected: Value?
    public let actual: Value
    let format: (Value) -> String

    public var description: String {
      let expectation = expected.map(format) ?? "nothing (the reference had no value outstanding)"
      return "\(name): value #\(index) at cycle \(cycle): expected \(expectation), got \(format(actual))"
    }
  }

  public let name: String
  public internal(set) var firstMismatch: Mismatch?
  @usableFromInline @exclusivity(unchecked) var matchedCount = 0
  @usableFromInline @exclusivity(unchecked) var expected = RingBuffer<Value>(capacity: 64)
  let format: (Value) -> String

  public init(_ name: String, format: @escaping (Value) -> String = { "\($0)" }) {
    self.name = name
    self.format = format
  }

  /// Values that matched so far.
  @inlinable public var matched: Int { matchedCount }
  /// Values the reference expects that the design has not produced yet.
  @inlinable public var outstanding: Int { expected.count }

  @inlinable @inline(__always)
  public func expect(_ value: Value) { expected.append(value) }

  /// Compares `actual` with the oldest expected value.
  @inlinable @inline(__always)
  public func observe(_ actual: Value, cycle: Int) {
    // No Optional in between: `popFirst()` built one in memory only to compare it.
    guard !expected.isEmpty else { return recordMismatch(expected: nil, actual: actual, cycle: cycle) }
    let want = expected.takeFirst()
    if want == actual { matchedCount &+= 1; return }  // counts of cycles cannot reach 2^63
    recordMismatch(expected: want, actual: actual, cycle: cycle)
  }

  /// Out of line; it replaces only a nil `firstMismatch`, so it releases nothing (which keeps
  /// callers' loops free of retains).
  @usableFromInline @inline(never) @_effects(releasenone)
  func recordMismatch(expected want: Value?, actual: Value, cycle: Int) {
    if firstMismatch == nil {
      firstMismatch = Mismatch(name: name, cycle: cycle, index: matchedCount, expected: want, actual: actual, format: format)
    }
  }

  /// nil when every value matched and none is outstanding (unless `allowingOutstanding`);
  /// otherwise what went wrong first.
  public func verdict(allowingOutstanding: Bool = false) -> String? {
    if let firstMismatch { return firstMismatch.description }
    if !allowingOutstanding, let next = expected.first {
      return "\(name): \(expected.count) expected values never appeared, the first being \(format(next)) (after \(matched) matched)"
    }
    return nil
  }
}

extension Scoreboard where Value == UInt64 {
  /// A scoreboard that prints values in hexadecimal.
  public convenience init(_ name: String) {
    self.init(name, format: { "0x" + String($0, radix: 16) })
  }
}
