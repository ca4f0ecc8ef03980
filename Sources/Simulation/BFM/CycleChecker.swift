/// Compares signals with a reference model cycle by cycle and keeps the first disagreement,
/// with its cycle and both values. Cheap enough to call for every signal in every cycle: nothing
/// is formatted until something differs.
public final class CycleChecker {
  public private(set) var comparisons = 0
  public private(set) var firstMismatch: String?

  public init() {}

  /// Records a mismatch unless `actual == expected`. Returns whether they were equal.
  @inline(__always)
  @discardableResult
  public func equal(_ signal: StaticString, _ actual: UInt64, _ expected: UInt64, cycle: Int) -> Bool {
    comparisons += 1
    if actual == expected { return true }
    if firstMismatch == nil {
      firstMismatch = "\(signal): cycle \(cycle): expected 0x\(String(expected, radix: 16)), got 0x\(String(actual, radix: 16))"
    }
    return false
  }

  @inline(__always)
  @discardableResult
  public func equal(_ signal: StaticString, _ actual: Bool, _ expected: Bool, cycle: Int) -> Bool {
    equal(signal, actual ? 1 : 0, expected ? 1 : 0, cycle: cycle)
  }

  /// Records `problem` unless `condition` holds (for properties that are not one value, such as fairness).
  @inline(__always)
  public func require(_ condition: Bool, cycle: Int, _ problem: @autoclosure () -> String) {
    comparisons += 1
    if !condition && firstMismatch == nil { firstMismatch = "cycle \(cycle): \(problem())" }
  }
}
