import Cores
import HDL
import Simulation
import SimulationTesting
import XCTest

/// The register block RTL against `RegisterBlockModel` (Cores' cycle model of it, which firmware
/// tests use in place of the RTL) under Verilator: seeded random accesses, strobes, addresses in
/// and out of the map, hardware events and a reset in the middle, every output compared every
/// cycle. The system controller's map and the every-access-type map of `RegisterSimulationTests`.
/// (The system controller's run replaces the Icarus one of RegisterTests.)
final class RegisterBlockAgainstModelTests: SimulationTestCase {
  static let cycles = 10_000

  func testSystemControlMatchesTheModel() throws {
    try check(try systemControlRegisters(boardID: 0x1234))
  }

  func testEveryAccessTypeMatchesTheModel() throws {
    try check(try RegisterSimulationTests.map.get())
  }

  private func check(_ map: RegisterMap) throws {
    let design = try Design(top: registerBlock(map))
    let model = try self.model(design)
    let inputs = try design.topPorts.filter { $0.direction == .input && $0.name != "clk" }.map { try model.input($0.name) }
    let outputs = try design.topPorts.filter { $0.direction == .output }.map { try model.output($0.name) }
    var reference = RegisterBlockModel(map)
    var stimulus = random("stimulus")
    let offsets = map.registers.map(\.offset)
    let check = CycleChecker()

    for cycle in 0..<Self.cycles {
      var row: [String: UInt64] = ["rst": cycle == 0 || cycle == Self.cycles / 2 ? 1 : 0]  // reset first and in the middle
      row["mmio_valid"] = stimulus.next() % 4 == 0 ? 0 : 1
      row["mmio_write"] = stimulus.next() & 1
      row["mmio_address"] = stimulus.next() % 10 < 8 ? offsets[Int(stimulus.next() % UInt64(offsets.count))]
        : stimulus.next() & ((1 << UInt64(map.addressWidth)) - 1)
      row["mmio_wdata"] = stimulus.next() & 0xffff_ffff
      row["mmio_strobe"] = stimulus.next() & 0xf
      for port in inputs where row[port.name] == nil {
        row[port.name] = port.width == 1 ? (stimulus.next() % 6 == 0 ? 1 : 0) : stimulus.next() & ((1 << UInt64(port.width)) - 1)
      }
      for port in inputs { try port.set(row[port.name]!) }
      model.settle()
      let expected = reference.cycle(row)
      if row["rst"] == 1 { reference.reset() }
      if cycle > 0 {  // before the first reset the flip-flops hold whatever Verilator started them with
        for port in outputs {
          guard let value = expected[port.name] else { continue }
          check.require(port.uint64 == value, cycle: cycle,
                        "\(port.name) is 0x\(String(port.uint64, radix: 16)) in the RTL, 0x\(String(value, radix: 16)) in the model; inputs \(row)")
        }
      }
      if check.firstMismatch != nil { break }
      model.step()
    }
    XCTAssertNil(check.firstMismatch, map.name)
    XCTAssertEqual(Set(outputs.map(\.name)).subtracting(reference.cycle([:]).keys), [], "the model predicts every output of \(map.name)")
  }
}
