import HDL
import XCTest

extension BitVector {
  init(_ flag: Bool) { self.init(width: 1, value: flag ? 1 : 0) }
  var isSet: Bool { !isZero }
}

/// Compares what the design's outputs were (`actual`, one row per cycle from Icarus) with what
/// the reference model said they must be (`expected`), port by port. Only the ports a row of
/// `expected` names are checked (a model leaves out `data` while `valid` is 0). Stops at the first
/// wrong cycle: later cycles were stimulated on the model's word and mean nothing after it.
/// - Returns: true when every cycle matched.
@discardableResult
func assertOutputsMatch(_ design: String, _ actual: [[String: BitVector]], _ expected: [[String: BitVector]],
                        _ random: SeededRandom, file: StaticString = #filePath, line: UInt = #line) -> Bool {
  XCTAssertEqual(actual.count, expected.count, "cycle count", file: file, line: line)
  for (cycle, (got, want)) in zip(actual, expected).enumerated() {
    for (port, value) in want.sorted(by: { $0.key < $1.key }) where got[port] != value {
      let seen = got[port].map { "\($0)" } ?? "x/z"
      XCTFail("\(design), cycle \(cycle): `\(port)` is \(seen) but the reference model expects \(value); \(random)", file: file, line: line)
      return false
    }
  }
  return true
}
