import Board
import Cores
import XCTest

/// The switch of a board's node as `SwitchParameters` derives it from the board file. Expected
/// values are worked out here from the board files and the specification: Link Capabilities'
/// Max Link Speed encodes 2.5/5/8/16/32 GT/s as 1...5 (PCIe 6.3 §7.5.3.6, via the Supported
/// Link Speeds Vector of §7.5.3.18), a data credit is 16 bytes (§2.6.1), and the buffer rules
/// of the type's documentation (two maximum-size TLPs of data credits, eight per crossbar queue).
final class SwitchParametersTests: XCTestCase {
  private func board(_ name: String) throws -> Board { try Board.load(path: Board.boardPath(named: name)) }

  func testTheDevkitSwitchHasOneUpstreamAndTwoDownstreamPortsAtGen3By4() throws {
    // boards/devkit.yaml: downstream_ports 1, link_width 4, link_speed_gts 8.0, max_payload_bytes 256, datapath_bits 128;
    // no crosslinks and one cable (ntb.cables: [0]), so one NTB port after the local one.
    let p = SwitchParameters(board: try board("devkit"))
    XCTAssertEqual(p.identities.map(\.role), [.upstream, .downstream, .downstream])
    XCTAssertEqual(p.identities.map(\.portNumber), [0, 1, 2])
    XCTAssertEqual(Set(p.identities.map(\.maxLinkSpeed)), [3], "8 GT/s is Max Link Speed 0011b")
    XCTAssertEqual(Set(p.identities.map(\.maxLinkWidth)), [4])
    XCTAssertEqual(Set(p.identities.map(\.maxPayloadBytes)), [256])
    XCTAssertEqual(p.dataWidth, 128)
    XCTAssertEqual(p.dataCredits, 32, "2 × 256 bytes / 16 bytes per credit")
    XCTAssertEqual(p.receiveDepth, 8 + 32, "8 header beats + 32 credits × 4 DWs / 4 lanes")
    XCTAssertEqual(p.crossbarDepth, 8 * 16, "eight 256-byte TLPs of 16 beats at 128 bits")
    XCTAssertEqual(p.completionQueueDepth, 16, "a 256-byte CplD is 16 beats at 128 bits, as many as the other class queues")
  }

  func testTheCluster4SwitchFollowsItsBoardFile() throws {
    let board = try board("cluster4")
    let p = SwitchParameters(board: board)
    // The upstream port, downstream_ports local ports, and two NTB ports: every node of the ring has two crosslinks.
    XCTAssertEqual(p.identities.count, 1 + board.switchConfig.downstreamPorts + 2)
    XCTAssertEqual(p.identities.dropFirst().map(\.portNumber), Array(1...board.switchConfig.downstreamPorts + 2))
    XCTAssertEqual(Set(p.identities.map(\.maxLinkSpeed)), [4], "16 GT/s is Max Link Speed 0100b")
    XCTAssertEqual(Set(p.identities.map(\.maxLinkWidth)), [8])
    XCTAssertEqual(p.dataWidth, 256)
  }

  func testAFourKiBPayloadStillFitsTheCreditAndQueueLimits() {
    let p = SwitchParameters(downstreamPorts: 3, dataWidth: 64, maxPayloadBytes: 4096, linkWidth: 16, linkSpeed: 5)
    XCTAssertEqual(p.dataCredits, 512)
    XCTAssertLessThanOrEqual(p.dataCredits, 2047, "§2.6.1: at most 2047 unused data credits without Scaled Flow Control")
    XCTAssertEqual(p.crossbarDepth, 4096, "8 × 512 beats is the crossbar's largest queue")
    XCTAssertEqual(p.completionQueueDepth, 512, "a 4096-byte CplD is 512 beats at 64 bits: the egress Cpl queue holds it whole")
    XCTAssertEqual(p.queueDepth, 16, "the posted and NP queues stay at 16 beats")
  }
}
