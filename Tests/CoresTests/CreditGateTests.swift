import VerilogTesting
import Cores
import HDL
import PCIe
import Toolchain
import XCTest

/// The RTL credit gate against `PCIe.CreditGate` (checked against Equation 2-13 in
/// PCIeTests): random InitFC, UpdateFC and consumption, `permits` compared every cycle.
final class CreditGateTests: XCTestCase {
  func testBothFieldSizesAreAcceptedByVerilatorIcarusAndYosys() throws {
    for type in [CreditType.postedHeader, .postedData] {
      try assertAcceptedByTools(try Design(top: creditGate(type)))
    }
  }

  func testPermitsAgreesWithTheSwiftGateUnderRandomTraffic() throws {
    for type in [CreditType.nonPostedHeader, .completionData] {
      var random = SeededRandom()
      let bits = type.fieldSize
      let design = try Design(top: creditGate(type))
      var table = CycleTable()
      var gate: CreditGate?
      var receiverAllocated = 0  // what a well-behaved receiver has granted, modulo the field
      for cycle in 0..<6000 {
        let initialize = cycle == 0 || random.chance(0.002)
        let advertised = random.chance(0.1) ? 0 : Int.random(in: 1...type.maximumOutstanding, using: &random)
        let required = random.chance(0.5) ? 1 : Int.random(in: 0...min(64, type.maximumOutstanding), using: &random)
        let permits = gate?.permits(required) ?? false
        let consume = permits && random.chance(0.7)
        let update = random.chance(0.3)
        if update { receiverAllocated = (receiverAllocated + Int.random(in: 0...8, using: &random)) % (1 << bits) }
        table.add(["initialize": BitVector(initialize), "advertised": BitVector(width: bits, value: advertised),
                   "update": BitVector(update), "limit": BitVector(width: bits, value: receiverAllocated),
                   "required": BitVector(width: bits, value: required), "consume": BitVector(consume)],
                  expecting: ["permits": BitVector(permits)])
        if initialize {
          gate = CreditGate(type: type, advertised: advertised)
          receiverAllocated = advertised
        } else {
          if update { gate?.update(limit: receiverAllocated) }
          if consume { gate?.consume(required) }
        }
      }
      let actual = try table.simulate(design)
      assertOutputsMatch(design.top, actual, table.expected, random)
    }
  }
}
