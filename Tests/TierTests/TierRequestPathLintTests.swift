import VerilogTesting
import Cores
import HDL
import TierModel
import XCTest

final class TierRequestPathLintTests: XCTestCase {
  func testVerilatorIcarusAndYosysAcceptIt() throws {
    let design = try Design(top: tierRequestPath(pageCount: 64))
    XCTAssertEqual(design.warnings.map(\.message), [])
    let cells = try assertAcceptedByTools(design, yosys: .byModule)
    if let cells { print("tier_request_path (64 pages): \(cells) Yosys cells") }
  }

  func testBadParametersNameTheFix() {
    XCTAssertThrowsError(try Design(top: tierRequestPath(pageShift: 11, pageCount: 1))) { error in
      let messages = (error as? ElaborationError)?.diagnostics.filter { $0.severity == .error }.map(\.message) ?? []
      XCTAssertTrue(messages.contains("tierRequestPath: pageCount 1 is outside 2...16777216 (entries hold 24-bit frames)"), "\(messages)")
      XCTAssertTrue(messages.contains("tierRequestPath: pageShift 11 is outside 12...31 (pages of 4 KiB to 2 GiB)"), "\(messages)")
    }
  }
}

final class TierHotnessUnitLintTests: XCTestCase {
  func testVerilatorIcarusAndYosysAcceptIt() throws {
    let design = try Design(top: tierHotnessUnit(counters: 16, counterWidth: 16, hotListSize: 64))
    XCTAssertEqual(design.warnings.map(\.message), [])
    let cells = try assertAcceptedByTools(design, yosys: .byModule)
    if let cells { print("tier_hotness (16 counters, 64-entry list): \(cells) Yosys cells") }
  }

  func testBadParametersNameTheFix() {
    XCTAssertThrowsError(try Design(top: tierHotnessUnit(counters: 0, counterWidth: 32, hotListSize: 48))) { error in
      let messages = (error as? ElaborationError)?.diagnostics.filter { $0.severity == .error }.map(\.message) ?? []
      XCTAssertEqual(messages.count, 3, "\(messages)")
      XCTAssertTrue(messages.contains("tierHotnessUnit: hotListSize 48 must be a power of two in 2...32768 (HOT_HEAD wraps at the size)"), "\(messages)")
    }
  }
}

final class TierDMAEngineLintTests: XCTestCase {
  func testVerilatorIcarusAndYosysAcceptIt() throws {
    for (frames, lanes) in [([16, 32, 64], 1), ([1 << 16, 1 << 20, 1 << 24], 1), ([16, 32, 64], 3)] {
      let design = try Design(top: tierDMAEngine(pageCount: 1 << 12, frames: frames, lanes: lanes))
      XCTAssertEqual(design.warnings.map(\.message), [])
      let cells = try assertAcceptedByTools(design, yosys: .byModule)
      if let cells { print("tier_dma (frames \(frames), \(lanes) lanes): \(cells) Yosys cells") }
    }
  }

  func testBadParametersNameTheFix() {
    XCTAssertThrowsError(try Design(top: tierDMAEngine(pageCount: 64, frames: [4, 4], descriptorRingSize: 12))) { error in
      let messages = (error as? ElaborationError)?.diagnostics.filter { $0.severity == .error }.map(\.message) ?? []
      XCTAssertTrue(messages.contains("tierDMAEngine: frames [4, 4] must give DRAM, flash and disk 1...16777216 frames each"), "\(messages)")
      XCTAssertTrue(messages.contains("tierDMAEngine: descriptorRingSize 12 must be a power of two in 2...128 (indices wrap at the size)"), "\(messages)")
    }
  }
}

final class TierControllerLintTests: XCTestCase {
  static let shape = TierShape(pageShift: 12, pageCount: 64, counterWidth: 16, maxInFlight: 1, hotListSize: 64,
                               descriptorRingSize: 8, completionRingSize: 4)

  func testVerilatorIcarusAndYosysAcceptIt() throws {
    let design = try Design(top: tierController(shape: Self.shape, frames: [16, 32, 64]))
    XCTAssertEqual(design.warnings.map(\.message), [])
    let cells = try assertAcceptedByTools(design, yosys: .byModule)
    if let cells { print("tier_controller (64 pages): \(cells) Yosys cells") }
  }

  func testFourCopyLanesAreAcceptedByTheTools() throws {
    var shape = Self.shape
    shape.maxInFlight = 4
    let design = try Design(top: tierController(shape: shape, frames: [16, 32, 64]))
    XCTAssertEqual(design.warnings.map(\.message), [])
    let cells = try assertAcceptedByTools(design, yosys: .byModule)
    if let cells { print("tier_controller (64 pages, 4 DMA lanes): \(cells) Yosys cells") }
  }

  func testMoreLanesThanTheEngineBuildsAreRefused() {
    var shape = Self.shape
    shape.maxInFlight = 9
    XCTAssertThrowsError(try Design(top: tierController(shape: shape, frames: [16, 32, 64]))) { error in
      let messages = (error as? ElaborationError)?.diagnostics.filter { $0.severity == .error }.map(\.message) ?? []
      XCTAssertTrue(messages.contains("tierController: shape.maxInFlight 9 is outside 1...8 (the DMA engine's copy lanes); use 1...8"), "\(messages)")
    }
  }
}
