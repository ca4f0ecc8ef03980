import Cores
import FirmwareSimulation
import HDL
import SimulationTesting

extension SimulationTestCase {
  /// The devkit board's NTB shape (boards/devkit.yaml `ntb:`): 2 windows of 1 MiB, 32 LUT
  /// entries, 16 scratchpads, 64 doorbells.
  static var devkitNTB: NTBLayout {
    try! NTBLayout(memoryWindows: 2, windowSize: 1 << 20, lutEntries: 32, scratchpads: 16, doorbells: 64)
  }

  /// Two nodes on a Verilated `ntbPair` with `linkLatency` cycles each way.
  func ntbNodes(linkLatency: Int = 0) throws -> NTBPairNodes {
    let model = try self.model(try Design(top: ntbPair(layout: Self.devkitNTB, dataWidth: 64, linkLatency: linkLatency)))
    watch("a mmio", "a_mmio")
    watch("b mmio", "b_mmio")
    watch("a local in", "a_local_in")
    watch("a local out", "a_local_out")
    watch("b local in", "b_local_in")
    watch("b local out", "b_local_out")
    return try NTBPairNodes(model: model)
  }
}
