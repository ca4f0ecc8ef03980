import XCTest
import Cores
import HDL
import Toolchain

/// Seeded random register maps: whatever the mix of fields, access types and hooks, the block
/// is lint-clean and behaves like the model.
final class RandomMapTests: XCTestCase {
  /// A valid map drawn from `rng`: up to 6 registers at free offsets, up to 4 fields each, with
  /// every access type and every hook the access allows.
  static func randomMap(_ rng: inout SplitMix64, index: Int) throws -> RegisterMap {
    var offsets = Set<UInt64>()
    while offsets.count < Int.random(in: 1...6, using: &rng) { offsets.insert(UInt64.random(in: 0..<16, using: &rng) * 4) }
    let registers = offsets.sorted().enumerated().map { i, offset -> Register in
      var free = Array(0..<32)
      var fields: [Field] = []
      for j in 0..<Int.random(in: 1...4, using: &rng) {
        guard let low = free.randomElement(using: &rng) else { break }
        var high = low
        while free.contains(high + 1) && Int.random(in: 0..<5, using: &rng) != 0 { high += 1 }
        free.removeAll { (low...high).contains($0) }
        let access = Access.allCases.randomElement(using: &rng)!
        var hardware = FieldHardware()
        let fromHardware = access == .readOnly && Bool.random(using: &rng)
        if fromHardware { hardware.insert(.input) } else if Bool.random(using: &rng) { hardware.insert(.output) }
        if !fromHardware && Int.random(in: 0..<3, using: &rng) == 0 { hardware.insert(.load) }
        if access != .readOnly || hardware.contains(.load) {
          if Bool.random(using: &rng) { hardware.insert(.set) }
          if Bool.random(using: &rng) { hardware.insert(.clear) }
        }
        if access.isWritable && Bool.random(using: &rng) { hardware.insert(.writePulse) }
        if Bool.random(using: &rng) { hardware.insert(.readPulse) }
        let width = high - low + 1
        let reset = fromHardware ? 0 : UInt32(truncatingIfNeeded: UInt64.random(in: 0...UInt64(UInt32.max), using: &rng) >> UInt64(32 - width))
        fields.append(Field("F\(j)", bits: low...high, access: access, reset: reset, description: "Field \(j).", hardware: hardware))
      }
      return Register("R\(i)", offset: offset, description: "Register \(i).", fields: fields)
    }
    return try RegisterMap(name: "random\(index)", baseAddress: 0, registers: registers)
  }

  func testRandomMapsAreLintCleanAndMatchTheModel() throws {
    var rng = SplitMix64(seed: 0xA11_CE55)
    for index in 0..<6 {
      let map = try Self.randomMap(&rng, index: index)
      let design = try Design(top: registerBlock(map))
      let dir = VerilogFiles.temporaryDirectory("random-map")
      defer { try? FileManager.default.removeItem(at: dir) }
      let verdict = try Lint.verilator(try VerilogFiles(design, in: dir))
      XCTAssertTrue(verdict.isClean, "map \(index): \(verdict)\n\(registerDocumentation(for: map))")
      try checkRegisterBlockAgainstModel(map, seed: 0x5EED_0100 + UInt64(index), cycles: 1500)
    }
  }
}
