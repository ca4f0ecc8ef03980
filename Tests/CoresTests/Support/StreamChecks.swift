import HDL
import XCTest

/// Independently of any model: the words read out of a stream design (`deq_valid && deq_ready`)
/// are exactly the words written in (`enq_valid && enq_ready`), in order, nothing lost or repeated
/// beyond those still inside at the end.
func assertNoLossOrDuplication(_ design: String, _ inputs: [[String: BitVector]], _ outputs: [[String: BitVector]], _ random: SeededRandom,
                               file: StaticString = #filePath, line: UInt = #line) {
  var written: [BitVector] = [], read: [BitVector] = []
  var current: [String: BitVector] = [:]
  for (row, out) in zip(inputs, outputs) {
    current.merge(row) { _, new in new }
    guard current["rst"]?.isSet == false else { continue }
    if current["enq_valid"]?.isSet == true && out["enq_ready"]?.isSet == true { written.append(current["enq_data"]!) }
    if out["deq_valid"]?.isSet == true && current["deq_ready"]?.isSet == true, let data = out["deq_data"] { read.append(data) }
  }
  XCTAssertGreaterThan(read.count, 100, "\(design): too little traffic to judge; \(random)", file: file, line: line)
  XCTAssertEqual(read, Array(written.prefix(read.count)), "\(design): words read differ from words written; \(random)", file: file, line: line)
  XCTAssertLessThanOrEqual(written.count - read.count, 16, "\(design): more words missing than it can hold; \(random)",
                           file: file, line: line)
}
