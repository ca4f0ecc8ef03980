import VerilogTesting
import Cores
import HDL
import Simulation
import SimulationTesting
import XCTest

/// The crossbar under Verilator: packets of random beats from every ingress to random sets of
/// outputs, checked against the specification of virtual output queues — every packet reaches
/// each output it was sent to, whole and unchanged, in the order of its path; none reaches
/// another; an output that stalls holds up no other output.
final class TLPCrossbarTests: SimulationTestCase {
  struct Beat: Equatable {
    var header: [UInt64]  // words[0], words[1] of the 128-bit header
    var data: UInt64
    var strobe: UInt64
    var start: Bool
    var end: Bool
  }

  /// One link's worth of ports on the model.
  final class Ports {
    let inValid, inHeader, inData, inStrobe, inStart, inEnd, inEgress, outReady: InputPort
    let inReady, outValid, outHeader, outData, outStrobe, outStart, outEnd: OutputPort
    init(_ model: Model, port k: Int) throws {
      inValid = try model.input("in\(k)_valid"); inHeader = try model.input("in\(k)_header"); inData = try model.input("in\(k)_data")
      inStrobe = try model.input("in\(k)_strobe"); inStart = try model.input("in\(k)_start"); inEnd = try model.input("in\(k)_end")
      inEgress = try model.input("in\(k)_egress"); outReady = try model.input("out\(k)_ready"); inReady = try model.output("in\(k)_ready")
      outValid = try model.output("out\(k)_valid"); outHeader = try model.output("out\(k)_header"); outData = try model.output("out\(k)_data")
      outStrobe = try model.output("out\(k)_strobe"); outStart = try model.output("out\(k)_start"); outEnd = try model.output("out\(k)_end")
      rooms = try EgressRoom.classNames.map { try model.input("out\(k)_room_\($0)") }
      for room in rooms { try room.set(UInt64(EgressRoom.anyTLP)) }
    }
    /// Room at output k's egress stage, per class (posted, non-posted, completion); every TLP fits unless a test says otherwise.
    let rooms: [InputPort]
    func offer(_ beat: Beat, egress: UInt64) throws {
      inValid.set(true)
      try inHeader.set(BitVector(width: 128, words: beat.header)); try inData.set(beat.data); try inStrobe.set(beat.strobe)
      inStart.set(beat.start); inEnd.set(beat.end); try inEgress.set(egress)
    }
    var delivered: Beat {
      Beat(header: outHeader.value.words, data: outData.uint64, strobe: outStrobe.uint64, start: outStart.bool, end: outEnd.bool)
    }
  }

  static let ports = 4

  func testTheCrossbarIsAcceptedByVerilatorIcarusAndYosys() throws {
    let design = try Design(top: tlpCrossbar(ports: 4, dataWidth: 64, depth: 8))
    let cells = try assertAcceptedByTools(design, yosys: .byModule)
    if let cells { print("\(design.top): \(cells) Yosys cells") }
  }

  func testFewerThanThreePortsIsRefusedWithTheReason() {
    XCTAssertThrowsError(try Design(top: tlpCrossbar(ports: 2, dataWidth: 64, depth: 8))) { error in
      XCTAssertTrue("\(error)".contains("a crossbar needs at least 3"), "\(error)")
    }
  }

  /// DW0 of a header of each flow-control class, as §2.2.1 encodes Fmt/Type: a one-DW MWr
  /// (posted), a one-DW MRd (non-posted) and a Cpl without data.
  static let classDW0: [UInt64] = [0x4000_0001, 0x0000_0001, 0x0A00_0000]

  /// Random packets of 1...6 beats of random classes from every ingress, to one output, several
  /// (broadcast), none, or with the ingress's own bit set (ignored); every output stalls at
  /// random. Order per path as Table 2-42 allows a switch without Relaxed Ordering: each class
  /// FIFO; NP and Cpl never pass an older posted packet (B2a, C2a, D2a); posted may pass NP
  /// and Cpl, Cpl and NP each other. (Broadcasts cut through, as a first version did,
  /// deadlock this test within a few hundred packets.)
  func testRandomTrafficReachesEveryChosenOutputInPathOrder() throws {
    let n = Self.ports
    let model = try self.model(try Design(top: tlpCrossbar(ports: n, dataWidth: 64, depth: 8)))
    let ports = try (0..<n).map { try Ports(model, port: $0) }
    var rng = random("traffic"), stall = random("stall")
    // expected[i][e]: packets from i still to reach e.
    var expected = [[[[Beat]]]](repeating: [[[Beat]]](repeating: [], count: n), count: n)
    var current: [(beats: [Beat], egress: UInt64, next: Int)?] = Array(repeating: nil, count: n)
    var arriving: [[Beat]] = Array(repeating: [], count: n)
    var offering = Array(repeating: false, count: n)
    var sequence: UInt64 = 0, delivered = 0
    let cycles = 20_000
    model.reset()
    for cycle in 0..<(cycles + 2_000) {
      for i in 0..<n {
        if current[i] == nil && cycle < cycles && rng.chance(0.9) {
          sequence += 1
          let count = Int.random(in: 1...6, using: &rng)
          let dw0 = Self.classDW0[Int.random(in: 0..<3, using: &rng)]
          let beats = (0..<count).map { b in
            Beat(header: [sequence, dw0 << 32 | UInt64(i)], data: rng.next(), strobe: b == count - 1 ? UInt64.random(in: 0...3, using: &rng) : 3,
                 start: b == 0, end: b == count - 1)
          }
          var egress = UInt64(1) << UInt64(Int.random(in: 0..<n, using: &rng))
          if rng.chance(0.15) { egress = UInt64.random(in: 0..<(1 << UInt64(n)), using: &rng) }  // several, none, own
          current[i] = (beats, egress, 0)
          for e in 0..<n where e != i && egress >> UInt64(e) & 1 == 1 { expected[i][e].append(beats) }
        }
        // Once offered, a beat stays offered until it is taken.
        if let c = current[i], offering[i] || rng.chance(0.8) {
          try ports[i].offer(c.beats[c.next], egress: c.egress)
          offering[i] = true
        } else {
          ports[i].inValid.set(false)
        }
        ports[i].outReady.set(stall.chance(0.75))
      }
      model.settle()
      for i in 0..<n where offering[i] {
        if ports[i].inReady.bool {
          offering[i] = false
          current[i]!.next += 1
          if current[i]!.next == current[i]!.beats.count { current[i] = nil }
        }
      }
      for e in 0..<n where ports[e].outValid.bool && readyWas(ports[e]) {
        arriving[e].append(ports[e].delivered)
        guard arriving[e].last!.end else { continue }
        let packet = arriving[e]
        arriving[e] = []
        let source = Int(packet[0].header[1] & 0xFFFF_FFFF)
        guard source < n, source != e,
              let index = expected[source][e].firstIndex(where: { $0[0].header[0] == packet[0].header[0] }) else {
          return XCTFail("cycle \(cycle), output \(e): a packet from ingress \(source) (sequence \(packet[0].header[0])) that was not sent there")
        }
        let want = expected[source][e][index]
        guard packet == want else {
          return XCTFail("cycle \(cycle), output \(e): from ingress \(source) sequence \(want[0].header[0]) expected as \(want.count) beats, got \(packet.count) beats or different beats")
        }
        // Older packets of its path still on the way: none of its own class, none posted unless it is posted.
        let trafficClass = Self.classOf(packet)
        if let older = expected[source][e][..<index].first(where: { Self.classOf($0) == trafficClass || Self.classOf($0) == 0 }) {
          return XCTFail("cycle \(cycle), output \(e): from ingress \(source) sequence \(packet[0].header[0]) (class \(trafficClass)) passed the older sequence \(older[0].header[0]) (class \(Self.classOf(older)))")
        }
        expected[source][e].remove(at: index)
        delivered += 1
      }
      model.step()
    }
    let left = expected.joined().map(\.count).reduce(0, +)
    XCTAssertEqual(left, 0, "packets never delivered 2000 cycles after the traffic stopped")
    XCTAssertGreaterThan(delivered, cycles / 4)
  }

  /// Output 1 never takes anything. Ingress 0 sends one packet there, which waits in its queue,
  /// then 40 packets to output 2: all of them must pass it.
  func testAStalledOutputHoldsUpNoOtherOutput() throws {
    let model = try self.model(try Design(top: tlpCrossbar(ports: 3, dataWidth: 64, depth: 8)))
    let ports = try (0..<3).map { try Ports(model, port: $0) }
    model.reset()
    ports[1].outReady.set(false)
    ports[2].outReady.set(true)
    var received = 0
    for packet in 0..<41 {
      let egress: UInt64 = packet == 0 ? 0b010 : 0b100
      for b in 0..<2 {
        try ports[0].offer(Beat(header: [UInt64(packet), 0], data: UInt64(b), strobe: 3, start: b == 0, end: b == 1), egress: egress)
        model.settle()
        XCTAssertTrue(ports[0].inReady.bool, "packet \(packet), beat \(b): ingress 0 must not be held up by the stalled output 1")
        if ports[2].outValid.bool && ports[2].outEnd.bool { received += 1 }
        model.step()
      }
    }
    ports[0].inValid.set(false)
    for _ in 0..<10 {
      model.settle()
      if ports[2].outValid.bool && ports[2].outEnd.bool { received += 1 }
      model.step()
    }
    XCTAssertEqual(received, 40, "every packet for output 2 arrives although output 1 stalls")
    model.settle()
    XCTAssertTrue(ports[1].outValid.bool, "the packet for output 1 waits at its head")
  }

  /// Output 1's egress has no room for non-posted TLPs. Ingress 0 sends it a posted packet, two
  /// NP packets, then six more posted ones: every posted packet must arrive while the NP ones
  /// wait (Table 2-42 A3: posted must be able to pass NP), and the NP ones after the older
  /// posted one (B2a) and in their order once room appears.
  func testPostedPacketsPassNonPostedOnesThatHaveNoRoomAtTheEgress() throws {
    let model = try self.model(try Design(top: tlpCrossbar(ports: 3, dataWidth: 64, depth: 8)))
    let ports = try (0..<3).map { try Ports(model, port: $0) }
    model.reset()
    try ports[1].rooms[1].set(0)
    ports[1].outReady.set(true)
    ports[2].outReady.set(true)
    let classes = [0, 1, 1, 0, 0, 0, 0, 0, 0]
    var arrived: [Int] = []
    func collect() {
      if ports[1].outValid.bool && ports[1].outStart.bool { arrived.append(Int(ports[1].outHeader.value.words[0])) }
    }
    for (packet, trafficClass) in classes.enumerated() {
      let beats = trafficClass == 0 ? 2 : 1
      for b in 0..<beats {
        try ports[0].offer(Beat(header: [UInt64(packet), Self.classDW0[trafficClass] << 32], data: UInt64(b), strobe: 3,
                                start: b == 0, end: b == beats - 1), egress: 0b010)
        model.settle()
        XCTAssertTrue(ports[0].inReady.bool, "packet \(packet), beat \(b): ingress 0 must not wait for the NP packets")
        collect()
        model.step()
      }
    }
    ports[0].inValid.set(false)
    for _ in 0..<20 { model.settle(); collect(); model.step() }
    XCTAssertEqual(arrived, [0, 3, 4, 5, 6, 7, 8], "every posted packet arrives; the NP packets wait for room")
    try ports[1].rooms[1].set(1)
    for _ in 0..<10 { model.settle(); collect(); model.step() }
    XCTAssertEqual(arrived, [0, 3, 4, 5, 6, 7, 8, 1, 2], "the NP packets follow, in order, once there is room")
  }

  /// A 256-byte MWr's DW0 (Length 64).
  static let saturationDW0: UInt64 = 0x4000_0040

  /// Saturation: every ingress always has a 256-byte MWr (32 beats) for a uniformly chosen
  /// other output, and every output always takes beats. Each output's share of cycles carrying
  /// a beat, measured over 20,000 cycles.
  func saturation(ports n: Int, depth: Int) throws -> Double {
    let model = try self.model(try Design(top: tlpCrossbar(ports: n, dataWidth: 64, depth: depth)))
    let ports = try (0..<n).map { try Ports(model, port: $0) }
    var rng = random("uniform")
    var beat = Array(repeating: 0, count: n)
    // Each TLP's output is drawn once, when the previous TLP has entered: a TLP whose queue is
    // full waits at its ingress and holds up the ones behind it, as a receive buffer's head does.
    var target = (0..<n).map { i in (i + Int.random(in: 1..<n, using: &rng)) % n }
    model.reset()
    for p in ports { p.outReady.set(true) }
    var carried = 0
    let cycles = 20_000, warmUp = 5_000
    for cycle in 0..<(warmUp + cycles) {
      for i in 0..<n {
        try ports[i].offer(Beat(header: [0, Self.saturationDW0 << 32 | UInt64(i)], data: 0, strobe: 3, start: beat[i] == 0, end: beat[i] == 31),
                           egress: UInt64(1) << UInt64(target[i]))
      }
      model.settle()
      for i in 0..<n where ports[i].inReady.bool {
        beat[i] = (beat[i] + 1) % 32
        if beat[i] == 0 { target[i] = (i + Int.random(in: 1..<n, using: &rng)) % n }
      }
      if cycle >= warmUp { carried += ports.filter { $0.outValid.bool }.count }
      model.step()
    }
    return Double(carried) / Double(cycles * n)
  }

  /// Far above the ≈ 0.59 a FIFO input-queued crossbar reaches under uniform traffic (the
  /// issue's "do better"). With queues of eight TLPs (256 beats, the depth `SwitchParameters`
  /// chooses) one 20,000-cycle run measures 0.934–0.967 depending on the seed (seeds 1–6 and
  /// 9664148648836427308: mean 0.955), so the bound sits below that spread rather than on its
  /// mean; two TLPs per queue reach about 0.87, because a full queue stops its ingress.
  func testUniformTrafficSaturatesAtLeast90PercentOfLineRate() throws {
    let share = try saturation(ports: 4, depth: 256)
    print("crossbar 4 ports, 256-beat queues: \(share) of line rate per output")
    XCTAssertGreaterThanOrEqual(share, 0.90)
  }

  /// 0 posted, 1 non-posted, 2 completion, from the DW0 the packet was sent with.
  static func classOf(_ packet: [Beat]) -> Int { classDW0.firstIndex(of: packet[0].header[1] >> 32)! }

  private func readyWas(_ p: Ports) -> Bool { p.outReady.value.uint64 == 1 }
}
