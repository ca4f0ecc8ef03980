import Board
import Cores
import Firmware
import FirmwareSimulation
import SimulationTesting
import XCTest

/// The cluster boot (`ClusterNode`) on every node of a `World` of the pair board, as 2 nodes
/// and as a ring of 4. Expected values come from the board file, the PCI rules Linux follows
/// (drivers/pci/probe.c bus numbering, BARs aligned to their size inside their bridge's
/// window) and ntb_pingpong's game, not from the firmware's own output.
final class ClusterBootTests: SimulationTestCase {
  typealias Node = ClusterNode<SimulatedHAL>

  /// The cluster booted with `copyData` from this test's seed; every node done, no fault.
  func bootedCluster(nodes count: Int, rounds: Int = 64) throws -> (World, [Node], [UInt8]) {
    let world = try self.world(nodes: count)
    var bytes = random("copy")
    let data = (0..<256).map { _ in UInt8.random(in: 0...255, using: &bytes) }
    let (nodes, ran) = bootCluster(world, settings: ClusterSettings(pingPongRounds: rounds, copyData: data))
    XCTAssertNotNil(ran, "the cluster boot stalled: " + nodes.map { "node \($0.index) \($0.phase)" }.joined(separator: ", "))
    for node in nodes { XCTAssertEqual(node.phase, .done, "node \(node.index)") }
    for node in world.nodes { XCTAssertEqual(node.hal.faults, [], "node \(node.index)'s accesses") }
    return (world, nodes, data)
  }

  // MARK: Enumeration through the switch

  func testEveryNodeNumbersItsSwitchDepthFirstAndFindsItsNTBEndpointBehindItsLastPort() throws {
    let (world, nodes, _) = try bootedCluster(nodes: 2)
    let board = world.board
    // Switch ports: upstream, 2 local downstream ports (port 1 holds the tier controller, port 2
    // is empty), 1 NTB port. Depth first (probe.c): the upstream bridge 0:0.0 gets bus 1; the
    // downstream bridges 1:0.0, 1:1.0 and 1:2.0 buses 2, 3 and 4.
    for node in nodes {
      let tree = try XCTUnwrap(node.tree)
      let bridges = tree.functions.filter(\.isBridge).map { ($0.bdf, $0.bridge?.secondaryBus, $0.bridge?.subordinateBus) }
      XCTAssertEqual(bridges.map(\.0), [BDF(bus: 0, device: 0, function: 0), BDF(bus: 1, device: 0, function: 0),
                                         BDF(bus: 1, device: 1, function: 0), BDF(bus: 1, device: 2, function: 0)])
      XCTAssertEqual(bridges.map(\.1), [1, 2, 3, 4])
      XCTAssertEqual(bridges.map(\.2), [4, 2, 3, 4])
      XCTAssertEqual(tree.lastBus, 4)
      // The NTB endpoint on bus 4 (below switch port 1 + downstream_ports): Cores' identity,
      // BAR0 64-bit prefetchable over the windows rounded up to a power of two, aligned, inside
      // its bridge's prefetchable window. The only other endpoint is the tier function on bus 2.
      let endpoints = tree.functions.filter { !$0.isBridge }
      XCTAssertEqual(endpoints.map(\.bdf), [BDF(bus: 2, device: 0, function: 0), BDF(bus: 4, device: 0, function: 0)])
      let endpoint = try XCTUnwrap(endpoints.last)
      XCTAssertEqual([endpoint.vendorID, endpoint.deviceID], [UInt16(nodeNTBVendorID), UInt16(nodeNTBDeviceID)])
      let bar = try XCTUnwrap(endpoint.bars.first)
      let aperture = UInt64(board.ntb.memoryWindows * board.ntb.windowSize)
      var barBytes: UInt64 = 4096
      while barBytes < aperture { barBytes <<= 1 }
      XCTAssertEqual(bar.size, barBytes)
      XCTAssertEqual([bar.kind == .memory64, bar.isPrefetchable], [true, true])
      let address = try XCTUnwrap(bar.address)
      XCTAssertEqual(address % bar.size, 0, "aligned to its size")
      let window = try XCTUnwrap(tree.functions.first { $0.bdf == BDF(bus: 1, device: 2, function: 0) }?.bridge?.prefetchableWindow)
      XCTAssertTrue(window.contains(AddressWindow(base: address, limit: address + bar.size - 1)))
      XCTAssertEqual(node.ports.map(\.endpoint), [endpoint.bdf])
    }
  }

  // MARK: Links and ntb_pingpong

  func checkLinks(_ world: World, _ nodes: [Node]) {
    for node in nodes {
      // A ring: node i's crosslinks, in the board file's order, lead to its neighbours.
      let expected = NodeCrosslinks.links(of: node.index, in: world.board).compactMap { $0.peer(of: node.index) }
      XCTAssertEqual(node.ports.map(\.peer), expected, "node \(node.index)'s peers, port by port")
      for port in node.ports {
        XCTAssertEqual(port.link, NTBLinkState(isUp: true, peerEnabled: true, speed: SwitchParameters.linkSpeedEncoding(world.board),
                                               width: world.board.switchConfig.linkWidth), "node \(node.index) port \(port.index)")
      }
    }
  }

  /// ntb_pingpong's reference on each crosslink: round r rings bit r mod doorbells and carries
  /// count r in scratchpad 0; the lower-numbered node serves, so the other takes the even rounds.
  func checkPingPong(_ nodes: [Node], rounds: Int, doorbells: Int, latency: Int) {
    for node in nodes {
      for port in node.ports {
        guard let peer = port.peer else { return XCTFail("node \(node.index) port \(port.index): no peer") }
        let first = node.index < peer ? 1 : 0
        let expected = stride(from: first, to: rounds, by: 2).map { r in (UInt64(1) << UInt64(r % doorbells), UInt32(r)) }
        XCTAssertEqual(port.pingPong.seenDoorbells, expected.map(\.0), "node \(node.index) ↔ \(peer): doorbells")
        XCTAssertEqual(port.pingPong.seenCounts, expected.map(\.1), "node \(node.index) ↔ \(peer): counts")
        // A round trip crosses the link twice.
        XCTAssertGreaterThanOrEqual(port.pingPong.roundTripCycles.min() ?? 0, UInt64(2 * latency))
      }
    }
  }

  func testPingPongWalksEveryDoorbellBitTwiceOnTwoNodes() throws {
    let (world, nodes, _) = try bootedCluster(nodes: 2)
    XCTAssertEqual(world.board.ntb.doorbells, 32, "64 rounds walk each of the pair board's 32 bits twice")
    checkPingPong(nodes, rounds: 64, doorbells: world.board.ntb.doorbells, latency: world.board.ntb.linkLatencyCycles)
  }

  // MARK: The remote copy

  /// What node 0 wrote through its window is in the other node's RAM (seen at that node's root
  /// complex, not through the firmware), and node 0 read the same back.
  func checkRemoteCopy(_ world: World, _ nodes: [Node], _ data: [UInt8]) throws {
    let copy = try XCTUnwrap(nodes[0].copy)
    XCTAssertEqual(copy.node, 1, "node 0's first peer")
    let target = world.nodes[copy.node]
    let shared = world.board.management.ramBase + ClusterSettings().sharedBufferOffset
    XCTAssertEqual(copy.address, shared, "the buffer node 1 announced in its hello")
    XCTAssertEqual(target.side.bytes(at: shared, count: data.count), data, "node 1's RAM holds what node 0 wrote")
    XCTAssertEqual(copy.readBack, data, "and node 0 reads the same back through the window")
    XCTAssertEqual(nodes.dropFirst().compactMap(\.copy).count, 0, "only node 0 copies")
  }

  func testNode0WritesABufferIntoNode1sRAMThroughAWindowAndReadsItBackOnTwoNodes() throws {
    let (world, nodes, data) = try bootedCluster(nodes: 2)
    try checkRemoteCopy(world, nodes, data)
  }

  /// One boot of the ring (the 4-node model is the expensive one): every link up with the
  /// ring's neighbours, ntb_pingpong on all four crosslinks at once, the token round the ring,
  /// the remote copy, every transport drained.
  func testAFourNodeRingBootsPlaysPingPongOnEveryLinkAndPassesTheTokenRound() throws {
    let (world, nodes, data) = try bootedCluster(nodes: 4)
    checkLinks(world, nodes)
    XCTAssertEqual(nodes.map(\.ports.count), [2, 2, 2, 2])
    checkPingPong(nodes, rounds: 64, doorbells: world.board.ntb.doorbells, latency: world.board.ntb.linkLatencyCycles)
    try checkRemoteCopy(world, nodes, data)
    let ring = try XCTUnwrap(nodes[0].ringCycles)
    // Four hops, each at least a crosslink crossing and back (the message, then its doorbell).
    XCTAssertGreaterThan(ring, UInt64(4 * world.board.ntb.linkLatencyCycles))
    // Every transport's rings carried the hellos, the token and the finish, nothing lost.
    for node in nodes {
      for port in node.ports { XCTAssertEqual(port.transport?.unacknowledged, 0, "node \(node.index) port \(port.index)") }
    }
  }
}
