import Board
import Cores
import HDL
import Toolchain
import XCTest

/// The board top as firmware sees it through a node's management port, run under Icarus.
/// Expected values come from the register map's specification (docs/registers.md), the board
/// files and `NodeAddressMap`, not from the RTL.
final class BoardTopTests: XCTestCase {
  private func board(_ name: String) throws -> Board { try Board.load(path: Board.boardPath(named: name)) }

  /// One cycle of the management bus of node `node`: an access or an idle cycle.
  private enum Access {
    case idle
    case read(Int)
    case write(Int, UInt32, strobe: Int = 0xF)
  }

  /// Runs `accesses` on node `node`'s management port (after one reset cycle) and returns each
  /// cycle's outputs.
  private func run(_ board: Board, node: Int = 0, _ accesses: [Access]) throws -> [[String: BitVector]] {
    try run(board, accesses.map { (node, $0) })
  }

  /// Runs `accesses`, each on its node's management port, one a cycle after one reset cycle,
  /// in one simulation (a board is compiled once however many nodes it serves), and returns
  /// each cycle's outputs.
  private func run(_ board: Board, _ accesses: [(node: Int, access: Access)]) throws -> [[String: BitVector]] {
    let design = try Design(top: boardTop(board))
    let nodes = Set(accesses.map(\.node))
    var rows: [[String: BitVector]] = [["rst": BitVector(true)]]
    for (node, a) in accesses {
      var row: [String: BitVector] = ["rst": BitVector(false)]
      for n in nodes { row["mgmt\(n)_valid"] = BitVector(false) }
      switch a {
      case .idle: break
      case .read(let address):
        row["mgmt\(node)_valid"] = BitVector(true)
        row["mgmt\(node)_write"] = BitVector(false)
        row["mgmt\(node)_address"] = BitVector(width: NodeAddressMap.addressWidth, value: address)
      case .write(let address, let value, let strobe):
        row["mgmt\(node)_valid"] = BitVector(true)
        row["mgmt\(node)_write"] = BitVector(true)
        row["mgmt\(node)_address"] = BitVector(width: NodeAddressMap.addressWidth, value: address)
        row["mgmt\(node)_wdata"] = BitVector(width: 32, unsigned: UInt64(value))
        row["mgmt\(node)_strobe"] = BitVector(width: 4, value: strobe)
      }
      rows.append(row)
    }
    return Array(try IcarusSimulation(design).run(rows).dropFirst())
  }

  private func word(_ row: [String: BitVector], _ port: String) -> UInt32? { row[port]?.uint64.map { UInt32($0) } }

  func testIdentificationRegistersNameTheBoardAndTheNode() throws {
    let devkit = try board("devkit")
    let out = try run(devkit, [.read(0x00), .read(0x04), .read(0x0C)])
    XCTAssertEqual(word(out[0], "mgmt0_rdata"), 0x5354_0000 | UInt32(devkit.id), "ID: magic \"ST\" and the board id")
    XCTAssertEqual(word(out[1], "mgmt0_rdata"), UInt32(systemControlVersion.major << 16 | systemControlVersion.minor))
    XCTAssertEqual(word(out[2], "mgmt0_rdata"), 0, "the devkit's only node is node 0")
    for row in out {
      XCTAssertEqual(word(row, "mgmt0_ready"), 1, "the system controller answers in the cycle of the access")
      XCTAssertEqual(word(row, "mgmt0_error"), 0)
    }
  }

  func testEveryNodeOfTheClusterReportsItsOwnIndex() throws {
    let cluster = try board("cluster4")
    // Node n reads NODE.INDEX in cycle n: one simulation of the board for all four.
    let out = try run(cluster, (0..<cluster.nodeCount).map { (node: $0, access: Access.read(0x0C)) })
    XCTAssertEqual(cluster.nodeCount, 4, "cluster4.yaml")
    for node in 0..<cluster.nodeCount {
      XCTAssertEqual(word(out[node], "mgmt\(node)_rdata"), UInt32(node), "NODE.INDEX of node \(node)")
      XCTAssertEqual(word(out[node], "mgmt\(node)_ready"), 1, "node \(node) answers in the cycle of its access")
    }
  }

  func testScratchKeepsOnlyTheBytesWhoseStrobeIsSet() throws {
    let out = try run(try board("devkit"), [
      .write(0x08, 0x1122_3344), .read(0x08),
      .write(0x08, 0xAABB_CCDD, strobe: 0b0101), .read(0x08),
    ])
    XCTAssertEqual(word(out[1], "mgmt0_rdata"), 0x1122_3344)
    XCTAssertEqual(word(out[3], "mgmt0_rdata"), 0x11BB_33DD, "bytes 0 and 2 written, 1 and 3 kept")
  }

  func testAnAddressOutsideEveryBlockCompletesWithAnError() throws {
    let beyond = NodeAddressMap.systemControl.upperBound + 1
    let out = try run(try board("devkit"), [.read(beyond), .write(0xFFFC, 0xFFFF_FFFF), .read(0x08)])
    XCTAssertEqual(word(out[0], "mgmt0_ready"), 1, "an unmapped access still completes, so the processor never hangs")
    XCTAssertEqual(word(out[0], "mgmt0_error"), 1)
    XCTAssertEqual(word(out[0], "mgmt0_rdata"), 0)
    XCTAssertEqual(word(out[1], "mgmt0_error"), 1)
    XCTAssertEqual(word(out[2], "mgmt0_rdata"), 0, "the refused write changed nothing (SCRATCH resets to 0)")
  }

  /// The switch's management port in the node's window at 0x2000 (docs/switch.md): INFO gives
  /// the port count of the board file (upstream, switch.downstream_ports, and one NTB port per
  /// crosslink and cable of the node with the most) and layout version 1; the upstream bridge's
  /// configuration block at 0x3000 gives the switch's Vendor and Device ID. NTB port 0's
  /// registers answer at 0x10000 when the board has crosslinks or cables.
  func testTheSwitchAnswersInItsManagementWindow() throws {
    for name in ["devkit", "cluster4"] {
      let b = try board(name)
      let ntbPorts = (0..<b.nodeCount).map { (n: Int) -> Int in
        let links = b.ntb.links.filter { $0.a == n || $0.b == n }.count
        let cables = b.ntb.cables.filter { $0 == n }.count
        return links + cables
      }.max() ?? 0
      XCTAssertGreaterThan(ntbPorts, 0, "\(name): devkit's cable and cluster4's ring give every node an NTB port")
      let out = try run(b, [.read(0x2000), .read(0x3000), .read(0x3080), .read(0x10000)])
      XCTAssertEqual(word(out[0], "mgmt0_rdata"), 0x0001_0000 | UInt32(1 + b.switchConfig.downstreamPorts + ntbPorts), "\(name): INFO")
      XCTAssertEqual(word(out[1], "mgmt0_rdata"), 0x5A00_1AB4, "\(name): the upstream bridge's Device ID : Vendor ID")
      XCTAssertEqual(word(out[2], "mgmt0_rdata"), 0x5A01_1AB4, "\(name): the first downstream bridge's")
      XCTAssertEqual(out.map { word($0, "mgmt0_error") }, [0, 0, 0, ntbPorts == 0 ? 1 : 0], "\(name): NTB port 0's window")
    }
  }

  func testTheCycleCounterAdvancesOncePerClock() throws {
    let out = try run(try board("devkit"), [.read(0x18)] + Array(repeating: .idle, count: 9) + [.read(0x18), .read(0x1C)])
    let first = try XCTUnwrap(word(out[0], "mgmt0_rdata")), second = try XCTUnwrap(word(out[10], "mgmt0_rdata"))
    XCTAssertEqual(second &- first, 10)
    XCTAssertEqual(word(out[11], "mgmt0_rdata"), 0, "the high word is 0 this soon after reset")
  }

  func testSoftResetHoldsTheCoresInResetThenClearsTheRequest() throws {
    let out = try run(try board("devkit"), [.write(0x20, 1), .read(0x20)] + Array(repeating: .read(0x20), count: softResetCycles + 2))
    let held = out.map { word($0, "cores_reset0") ?? 9 }
    XCTAssertEqual(held[0], 0, "the request lands at the end of the write cycle")
    XCTAssertEqual(held.filter { $0 == 1 }.count, softResetCycles, "held for exactly softResetCycles")
    XCTAssertEqual(word(out[1], "mgmt0_rdata"), 1, "CONTROL.SOFT_RESET reads 1 while the reset is under way")
    XCTAssertEqual(word(out.last!, "mgmt0_rdata"), 0, "and 0 once the sequencer has acknowledged it")
    XCTAssertEqual(held.last, 0)
  }

  func testNoInterruptWithoutACauseEvenWhenAllAreEnabled() throws {
    let out = try run(try board("devkit"), [.write(0x14, 0xF), .read(0x14), .idle, .read(0x10)])
    XCTAssertEqual(word(out[1], "mgmt0_rdata"), 0xF)
    XCTAssertEqual(word(out[3], "mgmt0_rdata"), 0, "no cause is pending")
    XCTAssertTrue(out.allSatisfy { word($0, "irq0") == 0 })
  }
}
