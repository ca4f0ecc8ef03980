import Board
import Cores
import Firmware
import FirmwareSimulation
import SimulationTesting
import TierModel
import XCTest

/// Issue #7 [tier]: "Behind the switch this port is fed by a PCIe endpoint adapter: a Type 0
/// function with a 64-bit prefetchable BAR that exposes the unified space and a second BAR for
/// the registers, so peers reach this memory through NTB windows."
///
/// On the pair board's `World` (the model WorldTierStoreTests builds): after the cluster boot,
/// node 1 maps pages of its unified space and node 0 points its NTB window 1 at node 1's tier
/// BAR 0 (the sender sets the translation, as `ntb_peer_mw_set_trans`; docs/switch.md "The NTB
/// function"). Node 0's core then reaches node 1's tier memory with plain loads and stores:
/// node 0's switch → crosslink → node 1's NTB endpoint (a bus master: the boot set its Bus
/// Master Enable) → node 1's switch, peer to peer into the tier function's BAR 0 (its bridge's
/// prefetchable window, set by enumeration) → the backing store the page map names, and the
/// completion back the same way. Expected frames come from the mapping this test writes, data
/// from this test's seed, never from the RTL.
final class PeerTierWindowTests: SimulationTestCase {
  /// Node 1's map: `mapPagesInOrder(frames: [2, 2, 2])` (pages 0–1 DRAM frames 0–1, 2–3 flash
  /// 0–1, 4–5 disk 0–1), then page 9 written by hand to flash frame 5; the rest unmapped.
  static let handMapped: (page: UInt64, tier: Tier, frame: Int) = (9, .flash, 5)

  static func expectedFrame(page: UInt64) -> (tier: Tier, frame: Int)? {
    if page == handMapped.page { return (handMapped.tier, handMapped.frame) }
    guard page < 6 else { return nil }
    return ([Tier.dram, .flash, .disk][Int(page / 2)], Int(page % 2))
  }

  /// INTERRUPT_STATUS/ENABLE.TIER_ERROR of the system controller (its bit is the cause's index).
  static var tierErrorBit: UInt32 {
    UInt32(1) << UInt32(systemControlInterrupts.firstIndex { $0.name == "TIER_ERROR" } ?? 31)
  }

  struct PeerWindow {
    let world: World
    /// Node 1's tier registers, through node 1's management window.
    let control: TierControl<SimulatedHAL>
    /// Node 0's local address of node 1's unified-space byte 0.
    let base: UInt64
    var node0: WorldNode { world.nodes[0] }
    var node1: WorldNode { world.nodes[1] }
  }

  /// The booted pair, node 1's map written, node 0's window 1 translating to node 1's tier BAR 0.
  func peerWindow() throws -> PeerWindow {
    let world = try self.world(nodes: 2)
    // The cluster boot as far as this needs: enumeration (BARs, bridge windows, Bus Master
    // Enable on the NTB endpoints), the NTB drivers, every link up and its peer known; the
    // ping-pong, transports and ring that follow play no part here.
    let nodes = world.nodes.map { ClusterNode(hal: $0.hal, layout: world.layout) }
    let rounds = world.run(maxRounds: 20_000, nodes.map { node in { _ = node.step(); return ![.boot, .links].contains(node.phase) } })
    XCTAssertNotNil(rounds, "the boot brought the link up")
    XCTAssertEqual(nodes.map(\.phase), [.pingPong, .pingPong], "no node failed its boot")
    let tree = try XCTUnwrap(nodes[1].tree)
    let function = try XCTUnwrap(tree.functions.first { $0.classCode == 0x05_8000 }, "node 1's tier function")
    let bar = try XCTUnwrap(function.bars.first { $0.index == 0 })
    let space = try XCTUnwrap(bar.address, "node 1's tier BAR 0 has an address")
    XCTAssertEqual(bar.size, UInt64(world.board.tiers.mappedSize), "BAR 0 is the whole unified space")
    // Peer-to-peer traffic reaches the function only inside its bridge's prefetchable window.
    let bridge = try XCTUnwrap(function.parent.map { tree.functions[$0] }?.bridge?.prefetchableWindow)
    XCTAssertTrue(bridge.contains(AddressWindow(base: space, limit: space + bar.size - 1)))

    let node1 = world.nodes[1]
    let control = TierControl(bus: node1.hal, baseAddress: world.layout.mmioBase + UInt64(NodeAddressMap.tierController.lowerBound))
    XCTAssertEqual(control.mapPagesInOrder(frames: [2, 2, 2]), 6)
    var index = TierControlRegisters.MapIndex()
    index.page = UInt32(Self.handMapped.page)
    control.writeMapIndex(index)
    control.writeMapWrite(.init(rawValue: 1 << 31 | UInt32(Self.handMapped.tier.rawValue) << 24 | UInt32(Self.handMapped.frame)))

    let driver = try XCTUnwrap(nodes[0].ports.first { $0.peer == 1 }?.driver, "node 0's port towards node 1")
    // Window 1, as the remote copy (the full boot's transport takes window 0): the translation
    // is node 1's bus address, the one node 1's enumeration gave its tier BAR 0.
    try driver.setTranslation(window: 1, peerAddress: space, size: bar.size)
    let window = try driver.windowAddress(1)
    XCTAssertGreaterThanOrEqual(window.size, bar.size, "one window covers node 1's unified space")
    world.nodes[0].hal.timeoutCycles = 20_000  // a disk read waits 3,000 cycles for its store
    return PeerWindow(world: world, control: control, base: window.base)
  }

  /// One World for both checks (building the board's design takes longer than the traffic).
  func testNode0ReachesNode1sTierMemoryThroughAnNTBWindowAndAnUnmappedPageFaultsAtNode1() throws {
    let peer = try peerWindow()
    try checkStoresLandInTheFramesNode1sMapNamesAndLoadsReadThemBack(peer)
    checkAccessesToUnmappedPagesFaultAtNode1(peer)
  }

  func checkStoresLandInTheFramesNode1sMapNamesAndLoadsReadThemBack(_ peer: PeerWindow) throws {
    // Node 1's map as its controller holds it agrees with the mapping written.
    for page in [0, 3, 5, Self.handMapped.page, 12] as [UInt64] {
      var index = TierControlRegisters.MapIndex()
      index.page = UInt32(page)
      peer.control.writeMapIndex(index)
      let entry = peer.control.readMapEntry().rawValue
      let expected = Self.expectedFrame(page: page).map { 1 << 31 | UInt32($0.tier.rawValue) << 24 | UInt32($0.frame) }
      XCTAssertEqual(entry & 0x8000_0000 == 0 ? nil : entry & 0x83FF_FFFF, expected, "page \(page)'s entry")
    }
    var bits = random("pattern")
    // Two DWs (one 64-bit store word) per page, in every tier, the hand-mapped page among them.
    let pages: [UInt64] = [1, 2, Self.handMapped.page, 4]
    let words = pages.map { _ in (UInt32.random(in: 1 ... .max, using: &bits), UInt32.random(in: 1 ... .max, using: &bits)) }
    let offset: UInt64 = 0x3A8
    for (page, word) in zip(pages, words) {
      peer.node0.hal.write32(peer.base + page << 12 + offset, word.0)
      peer.node0.hal.write32(peer.base + page << 12 + offset + 4, word.1)
    }
    for (page, word) in zip(pages, words) {
      // The load's completion comes back from node 1 (its store's latency) across the crosslink.
      XCTAssertEqual(peer.node0.hal.read32(peer.base + page << 12 + offset), word.0, "page \(page), low DW read back")
      XCTAssertEqual(peer.node0.hal.read32(peer.base + page << 12 + offset + 4), word.1, "page \(page), high DW read back")
      let target = try XCTUnwrap(Self.expectedFrame(page: page))
      let store = try XCTUnwrap(peer.node1.store(target.tier))
      XCTAssertEqual(store.word(frame: target.frame, at: Int(offset / 8)), UInt64(word.1) << 32 | UInt64(word.0),
                     "page \(page) is node 1's \(target.tier) frame \(target.frame)")
    }
    // Data node 1's store already held reaches node 0 too.
    try XCTUnwrap(peer.node1.store(.dram)).setWord(frame: 0, at: 5, 0x0123_4567_89AB_CDEF)
    XCTAssertEqual(peer.node0.hal.read32(peer.base + 5 * 8 + 4), 0x0123_4567, "page 0 is node 1's DRAM frame 0")
    XCTAssertEqual(peer.world.nodes[0].stores.map(\.accesses), [0, 0, 0], "node 0's own tier memory untouched")
    XCTAssertEqual(peer.node0.hal.faults, [])
    XCTAssertEqual(peer.node1.hal.faults, [])
  }

  /// A load from a page node 1 has not mapped: node 1's tier function answers Completer Abort
  /// (the NTB's own refusal would be Unsupported Request), which comes back to node 0's core,
  /// and node 1's controller records the fault: TIER_ERROR at node 1, the address in its space.
  /// A store to an unmapped page is posted: only node 1 records it, as a write.
  func checkAccessesToUnmappedPagesFaultAtNode1(_ peer: PeerWindow) {
    let accesses = peer.node1.stores.map(\.accesses)
    let status = peer.world.layout.systemControl + 0x10, enable = peer.world.layout.systemControl + 0x14
    var sources = TierControlRegisters.InterruptEnable()
    sources.pageFault = true
    peer.control.writeInterruptEnable(sources)
    peer.node1.hal.write32(enable, peer.node1.hal.read32(enable) | Self.tierErrorBit)
    XCTAssertEqual(peer.node1.hal.read32(status) & Self.tierErrorBit, 0, "no tier error before the access")

    let page: UInt64 = 12, offset: UInt64 = 0x7C4
    XCTAssertNil(Self.expectedFrame(page: page))
    XCTAssertEqual(peer.node0.hal.read32(peer.base + page << 12 + offset), 0xFFFF_FFFF, "a failed load reads all ones")
    XCTAssertEqual(peer.node0.hal.faults.count, 1)
    XCTAssertTrue(peer.node0.hal.faults.first?.hasSuffix("completed with status CA") ?? false, "Completer Abort: \(peer.node0.hal.faults)")
    XCTAssertEqual(peer.node1.hal.read32(status) & Self.tierErrorBit, Self.tierErrorBit, "node 1's INTERRUPT_STATUS.TIER_ERROR")
    XCTAssertTrue(peer.control.readInterruptStatus().pageFault)
    let low = UInt64(peer.control.readFaultAddressLow().rawValue), high = UInt64(peer.control.readFaultAddressHigh().rawValue)
    // The controller's requests move 64-bit beats (docs/tier.md "The address space"): it records
    // the address of the beat holding the faulting DW, in node 1's unified space.
    XCTAssertEqual(high << 32 | low, page << 12 | (offset & ~7), "the fault address is the beat's in node 1's unified space")
    XCTAssertFalse(peer.control.readFaultInfo().write)
    XCTAssertEqual(peer.node1.stores.map(\.accesses), accesses, "no store touched")

    // Re-armed (PAGE_FAULT written 1), a store to another unmapped page: posted, so node 0 hears
    // nothing back; node 1 records it as a write. A load behind it (ordered after the posted
    // store on the same path) tells node 0 it has arrived.
    var acknowledge = TierControlRegisters.InterruptStatus()
    acknowledge.pageFault = true
    peer.control.writeInterruptStatus(acknowledge)
    XCTAssertFalse(peer.control.readInterruptStatus().pageFault)
    let writePage: UInt64 = 15
    XCTAssertNil(Self.expectedFrame(page: writePage))
    peer.node0.hal.write32(peer.base + writePage << 12 + 0x10, 0xDEAD_BEEF)
    XCTAssertEqual(peer.node0.hal.read32(peer.base + 5 * 8 + 4), 0x0123_4567, "page 0 still reads")
    XCTAssertEqual(peer.node0.hal.faults.count, 1, "the store's fault is not node 0's to see")
    XCTAssertTrue(peer.control.readInterruptStatus().pageFault)
    let writeLow = UInt64(peer.control.readFaultAddressLow().rawValue), writeHigh = UInt64(peer.control.readFaultAddressHigh().rawValue)
    XCTAssertEqual(writeHigh << 32 | writeLow, writePage << 12 | 0x10)
    XCTAssertTrue(peer.control.readFaultInfo().write)
    XCTAssertEqual(peer.node1.stores.map(\.accesses), [accesses[0] + 1, accesses[1], accesses[2]],
                   "only page 0's load reached a store (DRAM)")
    XCTAssertEqual(peer.node1.hal.faults, [])
  }
}
