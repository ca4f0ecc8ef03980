import HDL
import Toolchain

/// A stimulus table built cycle by cycle alongside a reference model: one reset cycle, then
/// one row per cycle of input values and of the outputs the model expects in that cycle.
/// Producers and consumers in a test react to the model's `ready`, so the stimulus obeys the
/// ready/valid rules as long as the design agrees with the model (which the comparison checks).
struct CycleTable {
  private(set) var inputs: [[String: BitVector]] = [["rst": BitVector(true)]]
  private(set) var expected: [[String: BitVector]] = [[:]]

  /// Adds a cycle with reset released.
  mutating func add(_ row: [String: BitVector], expecting outputs: [String: BitVector]) {
    inputs.append(row.merging(["rst": BitVector(false)]) { value, _ in value })
    expected.append(outputs)
  }

  /// The outputs of `design` in each cycle under Icarus (the reset cycle first).
  func simulate(_ design: Design) throws -> [[String: BitVector]] {
    try IcarusSimulation(design).run(inputs)
  }
}
