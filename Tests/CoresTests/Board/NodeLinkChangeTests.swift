import Board
import Cores
import HDL
import PCIe
import Simulation
import SimulationTesting
import XCTest

/// A node's interrupt for a PCIe link going down and up (docs/switch.md, "Following the link down
/// and up"; docs/registers.md, INTERRUPT_STATUS): the switch reports each change of a downstream
/// port's Data Link Layer Link Active (§6.7.3.3) in its LINK_CHANGE register, and while a bit is
/// set the system controller's INTERRUPT_STATUS.LINK_CHANGE is raised (a level, as DOORBELL: the
/// switch's bit is cleared first, then the system controller's). On the pair board's Verilated
/// model, which `NodePairTests` builds too; node 0's spare slot `node0_pcie2` is switch port 2.
final class NodeLinkChangeTests: SimulationTestCase {
  static let interruptStatus = 0x10, interruptEnable = 0x14, linkChangeCause: UInt32 = 1 << 1  // INTERRUPT_* bit 1
  static let switchBase = NodeAddressMap.pcieSwitch.lowerBound
  static let linkState = switchBase + 0x1C, linkChange = switchBase + 0x20, port: UInt32 = 2

  func testALinkGoingDownAndUpRaisesTheNodesLinkChangeInterrupt() throws {
    let board = try PairBoard.load()
    let model = try self.model(try Design(top: boardTop(board)))
    watch("mgmt0", "mgmt0")
    let bench = try NodePairBench(model, board: board, random: { self.random($0) })
    let irq = try model.output("irq0")
    func interruptLine() -> Bool {
      model.settle()
      return irq.bool
    }
    let ntbPort = UInt32(NodeCrosslinks.switchPort(ntbPort: 0, board))
    XCTAssertEqual(try bench.read(0, Self.linkState), 1 << 1 | 1 << Self.port | 1 << ntbPort,
                   "LINK_STATE: the tier controller (port 1), the spare slot and the NTB endpoint are up")
    XCTAssertEqual(try bench.read(0, Self.linkChange), 0, "links up out of reset are no change")
    XCTAssertEqual(try bench.read(0, Self.interruptStatus) & Self.linkChangeCause, 0)
    try bench.write(0, Self.interruptEnable, Self.linkChangeCause)

    for up in [false, true] {
      try model.set("node0_pcie2_active", BitVector(up))
      if up {
        try bench.spareReceivers[0].linkUp()
        bench.spares[0].initialize()
      } else {
        bench.spareReceivers[0].linkDown()
        bench.spares[0].linkDown()
      }
      try bench.run(4)
      let edge = up ? "up" : "down"
      XCTAssertEqual(try bench.read(0, Self.linkState) >> Self.port & 1, up ? 1 : 0, "LINK_STATE follows the link \(edge)")
      XCTAssertEqual(try bench.read(0, Self.linkChange), 1 << Self.port, "the switch's LINK_CHANGE.PORT2, link \(edge)")
      XCTAssertEqual(try bench.read(0, Self.interruptStatus) & Self.linkChangeCause, Self.linkChangeCause, "INTERRUPT_STATUS.LINK_CHANGE, link \(edge)")
      XCTAssertTrue(interruptLine(), "irq0, link \(edge)")
      XCTAssertEqual(try bench.read(1, Self.interruptStatus) & Self.linkChangeCause, 0, "node 1's links did not change")
      // Acknowledged in the system controller alone, the cause comes back: the switch still reports it.
      try bench.write(0, Self.interruptStatus, Self.linkChangeCause)
      XCTAssertEqual(try bench.read(0, Self.interruptStatus) & Self.linkChangeCause, Self.linkChangeCause, "raised again while the switch's bit is set")
      try bench.write(0, Self.linkChange, 1 << Self.port)
      try bench.write(0, Self.interruptStatus, Self.linkChangeCause)
      XCTAssertEqual(try bench.read(0, Self.linkChange), 0, "LINK_CHANGE is write-1-to-clear")
      XCTAssertEqual(try bench.read(0, Self.interruptStatus) & Self.linkChangeCause, 0, "acknowledged")
      XCTAssertFalse(interruptLine(), "irq0 drops")
    }
  }
}
