import PCIe
import XCTest

/// Credit accounting after PCIe Base Specification 6.3, §2.6.1: consumption per Table 2-49,
/// the transmitter gate of Equation 2-13 with its modulo arithmetic, and a transmitter and a
/// receiver exchanging credits over many wraps of the counters.
final class FlowControlTests: XCTestCase {
  let me = PCIeID(rawValue: 0x0100)

  func testCreditConsumptionFollowsTable2_49() {
    XCTAssertEqual(TLP.memoryWrite(address: 0, data: [UInt8](repeating: 0, count: 256), requester: me).creditsRequired,
                   [.postedHeader: 1, .postedData: 16])
    XCTAssertEqual(TLP.memoryWrite(address: 0x2, data: [1, 2, 3, 4, 5], requester: me).creditsRequired,
                   [.postedHeader: 1, .postedData: 1], "2 DWs round up to one 4-DW unit")
    XCTAssertEqual(TLP.memoryRead(address: 0, byteCount: 4096, requester: me).creditsRequired, [.nonPostedHeader: 1])
    XCTAssertEqual(TLP.configWrite(target: me, offset: 0, value: 0, requester: me).creditsRequired,
                   [.nonPostedHeader: 1, .nonPostedData: 1])
    let read = TLP.memoryRead(address: 0, byteCount: 64, requester: me)
    XCTAssertEqual(TLP.completionWithData(answering: read, completer: me, data: [UInt8](repeating: 0, count: 64)).creditsRequired,
                   [.completionHeader: 1, .completionData: 4])
    XCTAssertEqual(TLP.completion(answering: read, completer: me, status: .unsupportedRequest).creditsRequired, [.completionHeader: 1])
    XCTAssertEqual(TLP.message(code: 0x20, routing: .local, requester: me).creditsRequired, [.postedHeader: 1])
    XCTAssertEqual(TLP.message(code: 0x7F, routing: .byID, requester: me, data: [1, 2, 3, 4]).creditsRequired,
                   [.postedHeader: 1, .postedData: 1])
  }

  /// Equation 2-13 across the wrap of an 8-bit header counter: limit 5 after 250 consumed
  /// leaves 11 credits (256 + 5 − 250).
  func testTheGateWorksModuloTheFieldSize() {
    var gate = CreditGate(type: .postedHeader, advertised: 250)
    gate.consume(250)
    gate.update(limit: 5 + 256)
    XCTAssertTrue(gate.permits(11), "(5 − (250 + 11) mod 256) mod 256 = 0 ≤ 128")
    XCTAssertFalse(gate.permits(12), "(5 − 6) mod 256 = 255 > 128")
    gate.consume(11)
    XCTAssertEqual(gate.creditsConsumed, 5)
    XCTAssertFalse(gate.permits(1))
  }

  func testInfiniteCreditsNeverBlock() {
    var gate = CreditGate(type: .completionData, advertised: 0)
    for _ in 0..<10_000 {
      XCTAssertTrue(gate.permits(256))
      gate.consume(256)
    }
  }

  func testAReceiverAdvertisesAtMost127HeaderAnd2047DataCredits() {
    XCTAssertThrowsError(try CreditPool(type: .postedHeader, capacity: 128)) { error in
      XCTAssertTrue("\(error)".contains("PH credits: capacity 128 is more than the 127"))
    }
    XCTAssertNoThrow(try CreditPool(type: .postedData, capacity: 2047))
    XCTAssertThrowsError(try CreditPool(type: .completionData, capacity: 2048))
  }

  func testTheGateAdmitsExactlyTheAdvertisedSpace() throws {
    let pool = try CreditPool(type: .postedData, capacity: 20)
    var gate = CreditGate(type: .postedData, advertised: pool.advertised)
    var sent = 0
    while gate.permits(4) { gate.consume(4); sent += 1 }
    XCTAssertEqual(sent, 5)
  }

  /// Random TLPs over a link whose receiver frees space after random delays: every TLP is
  /// eventually sent, the receiver is never overrun, and the counters wrap hundreds of times.
  func testARandomLinkNeverOverrunsItsReceiverAndNeverStalls() throws {
    let seed = UInt64.random(in: 0...UInt64.max)
    var rng = SplitMix64(seed: seed)
    let capacities: [CreditType: Int] = [.postedHeader: 8, .postedData: 64, .nonPostedHeader: 4, .nonPostedData: 2,
                                         .completionHeader: 6, .completionData: 127]
    var pools: [CreditType: CreditPool] = [:]
    for (type, capacity) in capacities { pools[type] = try CreditPool(type: type, capacity: capacity) }
    // Payloads beyond a pool's size could never pass; keep TLPs within the receiver's buffers.
    func nextTLP() -> TLP {
      var tlp = TLP.random(using: &rng)
      while tlp.creditsRequired.contains(where: { $0.value > capacities[$0.key]! }) { tlp = TLP.random(using: &rng) }
      return tlp
    }
    var gates = Dictionary(uniqueKeysWithValues: CreditType.allCases.map { ($0, CreditGate(type: $0, advertised: pools[$0]!.advertised)) })
    var inFlight: [(releaseAt: Int, units: [CreditType: Int])] = []
    var pending = nextTLP()
    var sent = 0, waited = 0
    for cycle in 0..<200_000 {
      // The receiver frees what it has finished and sends UpdateFCs.
      for entry in inFlight where entry.releaseAt <= cycle {
        for (type, units) in entry.units { pools[type]!.release(units) }
      }
      inFlight.removeAll { $0.releaseAt <= cycle }
      if UInt64.random(in: 0..<4, using: &rng) == 0 {
        for type in CreditType.allCases { gates[type]!.update(limit: pools[type]!.advertised) }
      }
      let need = pending.creditsRequired
      if need.allSatisfy({ gates[$0.key]!.permits($0.value) }) {
        for (type, units) in need {
          gates[type]!.consume(units)
          try pools[type]!.receive(units)
        }
        inFlight.append((cycle + Int.random(in: 1...40, using: &rng), need))
        sent += 1
        waited = 0
        pending = nextTLP()
      } else {
        waited += 1
        XCTAssertLessThan(waited, 200, "seed \(seed): the link stalled at cycle \(cycle) waiting for \(need)")
        if waited >= 200 { return }
      }
    }
    // Over 20 000 TLPs wrap the 8-bit header counters dozens of times.
    XCTAssertGreaterThan(sent, 20_000, "seed \(seed)")
  }
}
