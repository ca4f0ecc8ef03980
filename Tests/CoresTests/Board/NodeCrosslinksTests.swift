import Board
import Cores
import HDL
import XCTest

/// Which NTB port and switch port each crosslink takes, worked out by hand from the board files
/// (docs/switch.md, "The node top": a node's links in file order, after the local downstream ports).
final class NodeCrosslinksTests: XCTestCase {
  func testTheRingOfCluster4GivesEveryNodeTwoPortsInFileOrder() throws {
    let cluster = try Board.load(path: Board.boardPath(named: "cluster4"))
    XCTAssertEqual(NodeCrosslinks.ntbPortsPerNode(cluster), 2)
    // links: [0,1] [1,2] [2,3] [3,0]
    XCTAssertEqual(NodeCrosslinks.links(of: 0, in: cluster), [NTBLink(a: 0, b: 1), NTBLink(a: 3, b: 0)])
    XCTAssertEqual(NodeCrosslinks.port(of: NTBLink(a: 3, b: 0), at: 0, in: cluster), 1)
    XCTAssertEqual(NodeCrosslinks.port(of: NTBLink(a: 3, b: 0), at: 3, in: cluster), 1)
    XCTAssertEqual(NodeCrosslinks.port(of: NTBLink(a: 1, b: 2), at: 1, in: cluster), 1)
    XCTAssertNil(NodeCrosslinks.port(of: NTBLink(a: 1, b: 2), at: 0, in: cluster))
    // Two local downstream ports (1 and 2), so the NTB ports are switch ports 3 and 4.
    XCTAssertEqual(NodeCrosslinks.switchPort(ntbPort: 0, cluster), 3)
    XCTAssertEqual(SwitchParameters(board: cluster).identities.count, 5)
    let devkit = try Board.load(path: Board.boardPath(named: "devkit"))
    // devkit's one node has no crosslinks and one cable (ntb.cables: [0]): one NTB port, switch port 2.
    XCTAssertEqual(NodeCrosslinks.ntbPortsPerNode(devkit), 1)
    XCTAssertEqual(NodeCrosslinks.port(ofCable: 0, in: devkit), 0)
    XCTAssertEqual(SwitchParameters(board: devkit).identities.count, 3)
  }

  /// Cables take a node's NTB ports after its crosslinks, in `ntb.cables` order.
  func testCablesTakeTheirNodesPortsAfterItsCrosslinks() throws {
    let yaml = try String(contentsOfFile: Board.boardPath(named: "cluster4"), encoding: .utf8)
      .replacingOccurrences(of: "  memory_windows: 4", with: "  cables: [0, 2, 0]\n  memory_windows: 4")
    let cabled = try Board.parse(yaml: yaml, file: "cabled")
    XCTAssertEqual(NodeCrosslinks.usedPorts(of: 0, in: cabled), 4)
    XCTAssertEqual(NodeCrosslinks.usedPorts(of: 1, in: cabled), 2)
    XCTAssertEqual(NodeCrosslinks.ntbPortsPerNode(cabled), 4)
    XCTAssertEqual([0, 1, 2].map { NodeCrosslinks.port(ofCable: $0, in: cabled) }, [2, 2, 3])
  }

  /// A cable becomes the board top's `cable<c>_in`/`_out` streams and `cable<c>_up`; ports no
  /// crosslink or cable uses stay tied off inside.
  func testACableIsABoardTopPort() throws {
    let cabled = try Board.parse(yaml: PairBoard.yaml.replacingOccurrences(of: "links: [[0, 1]]", with: "links: [[0, 1]]\n  cables: [1]"),
                                 file: "cabled")
    let ports = Set(try Design(top: boardTop(cabled)).topPorts.map(\.name))
    XCTAssertTrue(ports.isSuperset(of: ["cable0_up", "cable0_in_valid", "cable0_in_ready", "cable0_out_data", "cable0_out_end"]))
    XCTAssertFalse(ports.contains("cable1_up"))
  }

  /// A chain 0 - 1 - 2: node 1 has two links, so every node has two NTB ports and the ends'
  /// second ones are tied off on the board; the board still elaborates (no error).
  func testAChainLeavesTheEndsSecondPortUnlinked() throws {
    let chain = try Board.parse(yaml: PairBoard.yaml.replacingOccurrences(of: "nodes: 2", with: "nodes: 3")
                                  .replacingOccurrences(of: "links: [[0, 1]]", with: "links: [[0, 1], [1, 2]]"), file: "chain")
    XCTAssertEqual(NodeCrosslinks.ntbPortsPerNode(chain), 2)
    XCTAssertEqual(NodeCrosslinks.links(of: 2, in: chain), [NTBLink(a: 1, b: 2)])
    let design = try Design(top: boardTop(chain))
    let inputs = Set(design.topPorts.map(\.name))
    XCTAssertTrue(inputs.isSuperset(of: ["crosslink0_up", "crosslink1_up", "host2_in_valid", "node2_pcie2_in_valid", "node2_flash_rd_data_valid"]))
    XCTAssertFalse(inputs.contains("crosslink2_up"))
  }
}
