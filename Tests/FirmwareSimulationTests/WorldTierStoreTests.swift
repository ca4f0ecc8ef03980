import Cores
import Firmware
import FirmwareSimulation
import SimulationTesting
import TierModel
import XCTest

/// Every node of a `World` has its tier controller's backing stores (`WorldNode.stores`): the
/// host's accesses to the unified space land in the store the page map names, and data a store
/// holds reaches the host. Expected values come from the in-order mapping the test writes and
/// from what the test itself put in the stores, not from the RTL.
final class WorldTierStoreTests: SimulationTestCase {
  func testEachNodesTierFunctionAnswersThroughItsOwnStores() throws {
    let world = try self.world(nodes: 2)
    let (nodes, rounds) = bootCluster(world)
    XCTAssertNotNil(rounds, "the cluster boot finished")
    for node in world.nodes {
      XCTAssertEqual(node.stores.map(\.tier), [.dram, .flash, .disk], "node \(node.index)")
      XCTAssertEqual(node.stores.map(\.prefix), ["dram", "flash", "disk"].map { "node\(node.index)_\($0)" })
    }
    // Node 1 (not only node 0): pages 0-1 in DRAM frames 0-1, 2-3 flash frames 0-1, 4-5 disk frames 0-1.
    let node = world.nodes[1]
    let tree = try XCTUnwrap(nodes[1].tree)
    let space = try XCTUnwrap(tree.functions.first { $0.classCode == 0x05_8000 }?.bars.first { $0.index == 0 }?.address, "the tier function's BAR 0")
    let control = TierControl(bus: node.hal, baseAddress: world.board.management.mmioBase + UInt64(NodeAddressMap.tierController.lowerBound))
    XCTAssertEqual(control.mapPagesInOrder(frames: [2, 2, 2]), 6)
    node.hal.timeoutCycles = 20_000  // a disk read waits 3,000 cycles for its store (12 ms at time_scale 1000)
    let cases: [(page: UInt64, tier: Tier, frame: Int)] = [(1, .dram, 1), (2, .flash, 0), (5, .disk, 1)]
    for (i, c) in cases.enumerated() {
      let value = UInt32(0x5EED_0000) | UInt32(i)
      node.hal.write32(space + c.page << 12 + 0x28, value)
      XCTAssertEqual(node.hal.read32(space + c.page << 12 + 0x28), value, "page \(c.page) read back")
      let store = try XCTUnwrap(node.store(c.tier))
      XCTAssertEqual(store.word(frame: c.frame, at: 0x28 / 8) & 0xFFFF_FFFF, UInt64(value), "\(c.tier) frame \(c.frame) holds it")
      XCTAssertEqual(store.requestAccesses, 2, "one write and one read on \(c.tier)'s request port")
    }
    try XCTUnwrap(node.store(.flash)).setWord(frame: 1, at: 3, 0xABCD_0123_4567_89EF)
    XCTAssertEqual(node.hal.read32(space + 3 << 12 + 3 * 8 + 4), 0xABCD_0123, "page 3 is flash frame 1")
    // Node 0's stores saw none of it.
    XCTAssertEqual(world.nodes[0].stores.map(\.accesses), [0, 0, 0])
    XCTAssertEqual(node.hal.faults, [])
  }
}
