import Cores
import HDL
import PCIe
import Simulation
import SimulationTesting
import XCTest

/// Random programming and random traffic through two NTB functions, every TLP checked against
/// `NTBReferenceModel`: requests from A's local side (in, at the edges of and outside the
/// windows, from requesters in and out of the table), B's memory answering each read that
/// arrives, writes from B to A at the same time, random backpressure on both local sides.
final class NTBRandomTrafficTests: SimulationTestCase {
  static let layout = NTBFunctionTests.layout
  let reference = NTBReferenceModel(layout: NTBRandomTrafficTests.layout)
  static let requesterPool: [UInt16] = [0x0100, 0x0108, 0x0209, 0x0300, 0x0418, 0x05FF]

  static func randomSettings(bus: UInt8, aperture: UInt64, _ random: inout SimulationRandom) -> NTBSettings {
    func translation() -> UInt64 {
      random.chance(0.5) ? UInt64.random(in: 0..<(1 << 20), using: &random) << 12 : UInt64.random(in: 0..<(1 << 40), using: &random) << 12
    }
    // Window 0 direct, window 1 through the lookup table, so every run covers both modes; the
    // lookup-table window spans its whole slot so that, whatever the seed, enough traffic crosses
    // for the comparison to mean something (window 0's size stays random).
    let windows = (0..<Self.layout.memoryWindows).map { w in
      NTBSettings.Window(valid: w == 1 || random.chance(0.85), lookup: w == 1,
                         sizeLog2: w == 1 || random.chance(0.5) ? 20 : Int.random(in: 12...19, using: &random),
                         translation: translation())
    }
    let lut = (0..<Self.layout.lutEntries).map { _ in
      NTBSettings.LUTEntry(valid: random.chance(0.8), peer: random.chance(0.9) ? 0 : Int.random(in: 1...63, using: &random),
                           translation: translation())
    }
    // Every requester of the pool has an entry somewhere in the table (so requests cross whatever
    // the seed); the other entries are random, valid or not, duplicates included.
    var requesters = (0..<NTBLayout.requesterEntries).map { _ in
      NTBSettings.Requester(valid: random.chance(0.6), id: Self.requesterPool.randomElement(using: &random)!)
    }
    let places = Array((0..<NTBLayout.requesterEntries).shuffled(using: &random).prefix(Self.requesterPool.count))
    for (id, place) in zip(Self.requesterPool, places) { requesters[place] = NTBSettings.Requester(valid: true, id: id) }
    return NTBSettings(localBus: bus, apertureBase: aperture, windows: windows, lut: lut, requesters: requesters)
  }

  /// A memory request near the aperture: mostly inside, sometimes just outside.
  static func randomRequest(_ s: NTBSettings, tag: UInt16, _ random: inout SimulationRandom) -> TLP {
    let span = UInt64(Self.layout.apertureSize)
    var address = s.apertureBase + UInt64.random(in: 0..<span, using: &random)
    if random.chance(0.1) { address = random.chance(0.5) ? s.apertureBase - 4 * UInt64.random(in: 1...64, using: &random) : s.apertureBase + span + UInt64.random(in: 0..<256, using: &random) }
    if random.chance(0.2) { address = address & ~0xFFF | UInt64.random(in: 0xF00...0xFFF, using: &random) }  // near a page edge
    let inPage = 4096 - Int(address & 0xFFF)
    let bytes = Int.random(in: 1...min(128, inPage), using: &random)
    let requester = PCIeID(rawValue: random.chance(0.9) ? Self.requesterPool.randomElement(using: &random)! : 0x0700)
    if random.chance(0.5) {
      return TLP.memoryWrite(address: address, data: (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &random) }, requester: requester, tag: tag)
    }
    return TLP.memoryRead(address: address, byteCount: bytes, requester: requester, tag: tag)
  }

  func testRandomTrafficMatchesTheReferenceModel() throws {
    let model = try self.model(try Design(top: ntbPair(layout: Self.layout, dataWidth: 64)))
    watch("a local in", "a_local_in")
    watch("b local out", "b_local_out")
    watch("b local in", "b_local_in")
    watch("a local out", "a_local_out")
    let h = try NTBPairHarness(model, layout: Self.layout)
    var random = self.random("settings")
    var traffic = self.random("traffic")
    var backpressure = self.random("backpressure")
    let a = Self.randomSettings(bus: 0x10, aperture: 0x9000_0000, &random)
    let b = Self.randomSettings(bus: 0x20, aperture: 0x3_0000_0000, &random)
    try h.configure(.a, a)
    try h.configure(.b, b)
    try h.run(20)
    h.localReady = { _ in backpressure.chance(0.7) }

    var expectedAtB: [TLP] = []      // requests from A, in order
    var expectedAtA: [TLP] = []      // writes from B, in order
    var expectedAnswers: [TLP] = []  // completions and URs at A, any interleaving
    var droppedAtA = 0
    var throughLUT = 0
    var handledAtB = 0
    let requests = 600
    // B's memory answers each read that has arrived since the last call.
    func answerReadsAtB() {
      while handledAtB < h.received[1].count {
        let arrived = h.received[1][handledAtB]
        handledAtB += 1
        guard arrived.kind == .memoryRead else { continue }
        let data = (0..<(arrived.length * 4)).map { UInt8(truncatingIfNeeded: Int(arrived.address) + $0 * 7) }
        let completion = TLP.completionWithData(answering: arrived, completer: PCIeID(rawValue: 0x2100), data: data)
        h.send(completion, on: .b)
        if let back = reference.completionBack(completion, completerSide: b, requesterSide: a, up: true) { expectedAnswers.append(back) }
      }
    }
    for i in 0..<requests {
      let request = Self.randomRequest(a, tag: UInt16(i % 256), &traffic)
      h.send(request, on: .a)
      switch reference.outbound(request, sender: a, receiver: b, up: true) {
      case .delivered(let t):
        expectedAtB.append(t)
        if request.address - a.apertureBase >= UInt64(Self.layout.windowSize) { throughLUT += 1 }
      case .unsupported(let c): expectedAnswers.append(c)
      case .dropped: droppedAtA += 1
      }
      if traffic.chance(0.3) {
        var write = Self.randomRequest(b, tag: UInt16(i % 256), &traffic)
        if write.kind == .memoryRead { write = TLP.memoryWrite(address: write.address, data: [1, 2, 3, 4], requester: write.requester, tag: write.tag) }
        h.send(write, on: .b)
        if case .delivered(let t) = reference.outbound(write, sender: b, receiver: a, up: true) { expectedAtA.append(t) }
      }
      // Run a little, and let B's memory answer the reads that arrived.
      for _ in 0..<Int.random(in: 0...12, using: &traffic) {
        try h.step()
        answerReadsAtB()
      }
    }
    for _ in 0..<4000 {
      try h.step()
      answerReadsAtB()
    }
    XCTAssertGreaterThan(expectedAtB.count, requests / 5, "enough traffic crosses to mean something")
    XCTAssertGreaterThan(expectedAnswers.count, requests / 10)
    XCTAssertGreaterThan(throughLUT, 0, "some requests cross through the lookup table")
    let atB = h.received[1]
    XCTAssertEqual(atB.count, expectedAtB.count)
    if let first = zip(atB, expectedAtB).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
      XCTFail("request \(first) at B: \(atB[first]), expected \(expectedAtB[first])")
    }
    let atA = h.received[0]
    let writesAtA = atA.filter { $0.kind == .memoryWrite }
    XCTAssertEqual(writesAtA, expectedAtA, "B's writes reach A in order")
    let answers = atA.filter { $0.kind != .memoryWrite }
    XCTAssertEqual(answers.count, expectedAnswers.count)
    var missing = expectedAnswers
    for t in answers {
      if let i = missing.firstIndex(of: t) { missing.remove(at: i) } else { XCTFail("unexpected at A: \(t)") }
    }
    XCTAssertEqual(missing, [], "answers that never came back")
    XCTAssertEqual(h.dropped(.a).local, UInt64(droppedAtA))
    print("NTB random traffic: \(requests) requests from A, \(expectedAtB.count) crossed (\(throughLUT) through the LUT), \(expectedAnswers.count) answers, \(expectedAtA.count) writes from B, \(droppedAtA) dropped, \(h.cycle) cycles")
  }
}
