import XCTest

import Board

/// `Board.withRing(ofNodes:file:)`: the board a `--nodes N` run uses.
final class RingDerivationTests: XCTestCase {
  func testFourNodesOfTheDevkitAreARingWithEverythingElseKept() throws {
    let devkit = try Board.load(path: shippedBoardPath("devkit"))
    let ring = try devkit.withRing(ofNodes: 4, file: "devkit.yaml (--nodes 4)")
    XCTAssertEqual(ring.nodeCount, 4)
    XCTAssertEqual(ring.ntb.links, [NTBLink(a: 0, b: 1), NTBLink(a: 1, b: 2), NTBLink(a: 2, b: 3), NTBLink(a: 3, b: 0)])
    XCTAssertEqual(ring.name, "devkit_4nodes", "its own name, so its RTL never replaces rtl/devkit/")
    var unchanged = ring
    unchanged.name = devkit.name
    unchanged.nodeCount = devkit.nodeCount
    unchanged.ntb.links = devkit.ntb.links
    XCTAssertEqual(unchanged, devkit, "only the name, the node count and the links differ")
  }

  func testTwoNodesShareOneLinkAndOneNodeHasNone() throws {
    let cluster = try Board.load(path: shippedBoardPath("cluster4"))
    XCTAssertEqual(try cluster.withRing(ofNodes: 2, file: "x").ntb.links, [NTBLink(a: 0, b: 1)], "not [0,1] and [1,0]: one cable")
    let single = try cluster.withRing(ofNodes: 1, file: "x")
    XCTAssertEqual(single.ntb.links, [])
    XCTAssertEqual(single.name, "cluster4_1node")
  }

  func testTheBoardsOwnNodeCountKeepsItsOwnLinks() throws {
    let cluster = try Board.load(path: shippedBoardPath("cluster4"))
    XCTAssertEqual(try cluster.withRing(ofNodes: 4, file: "x"), cluster)
  }

  func testEveryDerivedRingPassesTheBoardRulesAndReachesEveryNode() throws {
    let devkit = try Board.load(path: shippedBoardPath("devkit"))
    for n in 1...8 {
      let ring = try devkit.withRing(ofNodes: n, file: "x")
      // Each node has at most two crosslinks (a node's NTB ports), and the links form one cycle.
      for node in 0..<n {
        XCTAssertEqual(ring.ntb.ntbPorts(ofNode: node).count, n == 1 ? 0 : n == 2 ? 1 : 2, "\(n) nodes, node \(node)")
      }
      var reached: Set<Int> = [0], frontier = [0]
      while let node = frontier.popLast() {
        for link in ring.ntb.links { if let peer = link.peer(of: node), reached.insert(peer).inserted { frontier.append(peer) } }
      }
      XCTAssertEqual(reached.count, n, "\(n) nodes: every node reachable")
    }
  }

  func testANodeCountOutsideOneToEightIsRefusedNamingTheRequestAndTheFix() throws {
    let devkit = try Board.load(path: shippedBoardPath("devkit"))
    for n in [0, 9, -1] {
      guard let error = boardError({ try devkit.withRing(ofNodes: n, file: "boards/devkit.yaml (--nodes \(n))") }) else { continue }
      XCTAssertEqual(error.description, "boards/devkit.yaml (--nodes \(n)): error: nodes: \(n) is not a number of nodes a board can have; use 1 to 8")
    }
  }
}
