import HDL
import Cores
import PCIe
import XCTest

/// Bad parameters are refused at elaboration with a message that names the parameter, the
/// allowed range and the fix, at the line of the caller (here, this file) — not a crash.
final class ParameterErrorTests: XCTestCase {
  func testBadParametersAreElaborationErrorsAtTheCallersLine() {
    let cases: [(module: Module, line: Int, mentions: String)] = [
      (fifo(depth: 1, width: 8), #line, "depth 1 is too small"),
      (fifo(depth: 4, width: 0), #line, "width 0 is invalid"),
      (fifo(depth: 4, width: 8, almostFull: 5), #line, "almostFull 5 is outside 1...4"),
      (fifo(depth: 4, width: 8, almostFull: 0), #line, "almostFull 0 is outside 1...4"),
      (fifo(depth: 4, width: 8, almostEmpty: 4), #line, "almostEmpty 4 is outside 0...3"),
      (skidBuffer(width: 0), #line, "width 0 is invalid"),
      (roundRobinArbiter(requesters: 1, width: 8), #line, "1 requesters is too few"),
      (roundRobinArbiter(requesters: 3, width: 0), #line, "width 0 is invalid"),
    ]
    for c in cases {
      XCTAssertThrowsError(try Design(top: c.module), "line \(c.line)") { error in
        guard let errors = (error as? ElaborationError)?.errors else { return XCTFail("\(error)") }
        XCTAssertEqual(errors.count, 1, "exactly the one problem, no follow-on errors: \(errors)")
        XCTAssertTrue(errors[0].message.contains(c.mentions), errors[0].message)
        XCTAssertEqual(errors[0].location.line, c.line, errors[0].description)
        XCTAssertTrue(errors[0].location.file.hasSuffix("ParameterErrorTests.swift"), errors[0].description)
      }
    }
  }

  /// A switch's egress Cpl queue must hold a whole maximum-size completion, or a completion
  /// waiting for Cpl credits holds posted TLPs behind it (see `SwitchPostedPassingTests`): 256
  /// bytes (Max_Payload_Size Supported of `fourPorts`) are 32 beats at 64 bits.
  func testASwitchCompletionQueueShorterThanAMaximumSizeCompletionIsRefused() throws {
    let line = #line + 1
    let tooShort = try pcieSwitch(identities: SwitchTrafficTests.fourPorts, dataWidth: 64, completionQueueDepth: 31)
    XCTAssertThrowsError(try Design(top: tooShort)) { error in
      guard let errors = (error as? ElaborationError)?.errors else { return XCTFail("\(error)") }
      XCTAssertEqual(errors.count, 1, "exactly the one problem, no follow-on errors: \(errors)")
      XCTAssertTrue(errors[0].message.contains("completionQueueDepth 31 beats cannot hold a 256-byte completion"), errors[0].message)
      XCTAssertTrue(errors[0].message.contains("give at least 32"), errors[0].message)
      XCTAssertEqual(errors[0].location.line, line, errors[0].description)
      XCTAssertTrue(errors[0].location.file.hasSuffix("ParameterErrorTests.swift"), errors[0].description)
    }
    XCTAssertNoThrow(try Design(top: try pcieSwitch(identities: SwitchTrafficTests.fourPorts, dataWidth: 64, completionQueueDepth: 32)))
  }

  func testTheEdgesOfEachRangeAreAccepted() throws {
    XCTAssertNoThrow(try Design(top: fifo(depth: 2, width: 1, almostFull: 1, almostEmpty: 0)))
    XCTAssertNoThrow(try Design(top: fifo(depth: 9, width: 1, almostFull: 9, almostEmpty: 8, firstWordFallThrough: false)))
    XCTAssertNoThrow(try Design(top: skidBuffer(width: 1)))
    XCTAssertNoThrow(try Design(top: roundRobinArbiter(requesters: 2, width: 1)))
  }
}
