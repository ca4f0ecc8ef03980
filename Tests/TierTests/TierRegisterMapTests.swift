import VerilogTesting
import Cores
import HDL
import TierModel
import XCTest

/// The register map the RTL is built from against the transaction-level model's layout and
/// behaviour, register by register.
final class TierRegisterMapTests: XCTestCase {
  let controller: TierController = {
    var c = try! TierController(timing: .defaults(dramPages: 64, flashPages: 128, diskPages: 256), pageCount: 300)
    c.mapInOrder()
    return c
  }()

  func testEveryRegisterOfTheModelIsInTheMapAtItsOffset() throws {
    let map = try tierControllerRegisters(shape: controller.shape)
    XCTAssertEqual(map.registers.count, TierRegister.allCases.count)
    for register in TierRegister.allCases {
      let name = screamingSnake(String(describing: register))
      XCTAssertEqual(map.register(named: name)?.offset, register.rawValue, name)
    }
    XCTAssertEqual(map.name, "tier_control")
  }

  /// Reset values and every software-written bit, through the register block's own model and
  /// through the transaction-level model: each register reads the same after the same writes.
  func testSoftwareVisibleBehaviourMatchesTheModel() throws {
    let map = try tierControllerRegisters(shape: controller.shape)
    var block = RegisterBlockModel(map)
    var tlm = controller
    var rng = SplitMix64(seed: 4)
    // DMA_SUBMIT.PUSH, HOT_CONTROL.RESET and MAP_CONTROL.CLEAR are requests: the block holds them
    // until hardware acknowledges (CLEAR from reset on), the model acts at once; they are left out
    // here (MAP_CONTROL is checked on the RTL in TierMapClearTests).
    for register in TierRegister.allCases where !hasHardwareValue(map, register) && register != .mapControl {
      XCTAssertEqual(block.read(register.rawValue), tlm.read(register), "\(register) after reset")
    }
    for _ in 0..<200 {
      let register = TierRegister.allCases[Int(rng.next() % UInt64(TierRegister.allCases.count))]
      // Ring heads wrap at the ring's size in the model, at 16 bits in the block.
      guard register != .dmaSubmit, register != .mapControl, register != .interruptStatus, register != .hotHead, register != .completionHead else { continue }
      var value = UInt32(truncatingIfNeeded: rng.next())
      if register == .hotControl { value &= ~HotControlBits.reset }
      block.write(register.rawValue, value)
      tlm.write(register, value)
      guard !hasHardwareValue(map, register) else { continue }
      XCTAssertEqual(block.read(register.rawValue), tlm.read(register), "\(register) after writing \(String(value, radix: 16))")
    }
  }

  func testTheMapRefusesShapesItsFieldsCannotHold() {
    var shape = controller.shape
    shape.pageCount = 1 << 25
    shape.maxInFlight = 16
    XCTAssertThrowsError(try tierControllerRegisters(shape: shape)) { error in
      let text = String(describing: error)
      XCTAssertTrue(text.contains("pageCount 33554432 is outside 1...16777216"), text)
      XCTAssertTrue(text.contains("maxInFlight 16 is outside 1...15 (CAPABILITY.DMA_IN_FLIGHT is 4 bits)"), text)
    }
  }

  func hasHardwareValue(_ map: RegisterMap, _ register: TierRegister) -> Bool {
    map.register(named: screamingSnake(String(describing: register)))!.fields.contains { $0.hardware.contains(.input) }
  }

  func screamingSnake(_ camel: String) -> String {
    camel.reduce(into: "") { out, c in
      if c.isUppercase { out += "_" }
      out += c.uppercased()
    }
  }
}

final class TierRegisterBlockLintTests: XCTestCase {
  func testTheRegisterBlockIsAcceptedByTheTools() throws {
    let shape = TierShape(pageShift: 12, pageCount: 1 << 24, counterWidth: 16, maxInFlight: 4, hotListSize: 256,
                          descriptorRingSize: 16, completionRingSize: 16)
    let design = try Design(top: registerBlock(try tierControllerRegisters(shape: shape)))
    XCTAssertEqual(design.warnings.map(\.message), [])
    try assertAcceptedByTools(design)
    XCTAssertEqual(design.top, "tier_control_pages16777216")
  }
}
