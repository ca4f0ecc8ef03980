import VerilogTesting
import Cores
import HDL
import PCIe
import Toolchain
import XCTest

/// The egress stage against a cycle model of its datasheet (three class queues, credit gates
/// as `PCIe.CreditGate`, round-robin turns), with a receiver that returns credits after random
/// delays; then the properties the model itself must satisfy: every TLP leaves intact, each
/// class in order, no NP or Cpl TLP overtakes an earlier posted one, the receiver is never
/// overrun, and posted TLPs keep flowing while NP credits are withheld.
final class SwitchEgressTests: XCTestCase {
  static let depth = 12

  func testTheEgressIsAcceptedByVerilatorIcarusAndYosys() throws {
    let design = try Design(top: switchEgress(dataWidth: 64, depth: 16))
    let cells = try assertAcceptedByTools(design)
    print("\(design.top): \(cells ?? -1) Yosys cells")
  }

  struct Entry {
    var beat: TLPStreamBeat
    var tlp: TLP
    var id: Int
    var before = (np: 0, cpl: 0)
  }

  func testTrafficAgainstTheCycleModel() throws {
    for width in [64, 128] {
      var random = SeededRandom()
      let lanes = width / 32
      let design = try Design(top: switchEgress(dataWidth: width, depth: Self.depth))
      let names = ["ph", "pd", "nph", "npd", "cplh", "cpld"]
      let capacities = [6, 40, 3, 2, 4, 60]
      var pools = try CreditType.allCases.map { try CreditPool(type: $0, capacity: capacities[$0.rawValue]) }
      var gates: [CreditGate]?
      var queues: [[Entry]] = [[], [], []]
      var entered = [0, 0], started = [0, 0]
      var held = 0, locked = false, lockedClass = 0, turn = 0
      var releases: [(at: Int, type: Int, units: Int)] = []
      var table = CycleTable()
      var sent: [[Int]] = [[], [], []], received: [[Int]] = [[], [], []]
      var departures: [(id: Int, cls: Int, postedBefore: Set<Int>)] = []
      var postedQueuedIDs: [Int] = []  // posted TLPs entered and not yet started, in order
      var pending: [Entry] = []
      var offering = false
      var nextID = 0
      var starvedPostedStarts = 0
      var starveStart: Int?
      let cycles = 5000
      for cycle in 0..<cycles {
        // From cycle 1800 no new NP TLPs are sent, so the NP queue drains; NP credits stop coming
        // back from the first cycle after 1900 with fewer than four NP beats queued and no NP TLP
        // waiting to enter (one held at the input in front of a full NP queue would stop the single
        // input stream for good). For 100 cycles only NP TLPs are sent then, so some are left
        // waiting; for 1000 more only posted and completions follow them.
        let drainingNonPosted = cycle >= 1800 && starveStart == nil
        if starveStart == nil && cycle >= 1900 && queues[1].count < 4 && !pending.contains(where: { classIndex($0.tlp) == 1 }) {
          starveStart = cycle
        }
        let starveNonPosted = starveStart.map { ($0..<($0 + 1100)).contains(cycle) } ?? false
        let onlyNonPosted = starveStart.map { ($0..<($0 + 100)).contains(cycle) } ?? false
        // (In the NP-only stretch a few NP TLPs suffice: a full NP queue would stop the input.)
        if pending.isEmpty && random.chance(0.5) && !(onlyNonPosted && queues[1].count >= 4) {
          var tlp = TLP.random(using: &random)
          tlp.digest = nil
          // While NP credits are withheld, no new NP TLPs come: the single input stream would
          // otherwise stop at a full NP queue (see the core's documentation).
          if onlyNonPosted && tlp.kind.flowControlClass != .nonPosted {
            tlp = TLP.memoryRead(address: 0x2000, byteCount: 8, requester: tlp.requester, tag: tlp.tag)
          }
          if (tlp.kind.hasData && tlp.length > 24) || ((drainingNonPosted || starveNonPosted && !onlyNonPosted) && tlp.kind.flowControlClass == .nonPosted) {
            tlp = TLP.memoryWrite(address: 0x1000, data: [UInt8](repeating: UInt8(nextID % 256), count: 4 * Int.random(in: 1...24, using: &random)),
                                  requester: tlp.requester, tag: tlp.tag)
          }
          pending = tlp.streamBeats(lanes: lanes).map { Entry(beat: $0, tlp: tlp, id: nextID) }
          nextID += 1
        }
        offering = offering || (!pending.isEmpty && random.chance(0.8))
        let linkReady = random.chance(0.7)
        let initialize = cycle == 0
        let update = !initialize && random.chance(0.3)
        var row: [String: BitVector] = ["fabric_valid": BitVector(offering), "link_ready": BitVector(linkReady),
                                        "fc_initialize": BitVector(initialize), "fc_update": BitVector(update)]
        for (t, type) in CreditType.allCases.enumerated() {
          row["fc_\(names[t])_advertised"] = BitVector(width: type.fieldSize, value: pools[t].advertised)
          let frozen = starveNonPosted && (type == .nonPostedHeader || type == .nonPostedData)
          row["fc_\(names[t])_limit"] = BitVector(width: type.fieldSize, value: frozen ? (gates?[t].creditLimit ?? 0) : pools[t].advertised)
        }
        // Enqueue side.
        var expected: [String: BitVector] = [:]
        var accepted = false
        if offering, let entry = pending.first {
          row.merge(beatFields(entry.beat, prefix: "fabric", width: width)) { $1 }
          let cls = entry.beat.start ? classIndex(entry.tlp) : held
          accepted = queues[cls].count < Self.depth
          expected["fabric_ready"] = BitVector(accepted)
        }
        // Dequeue side.
        func eligible(_ c: Int) -> Bool {
          guard let head = queues[c].first, head.beat.start, let gates else { return false }
          if c > 0, let posted = queues[0].first {
            let before = c == 1 ? posted.before.np : posted.before.cpl
            if before <= started[c - 1] { return false }
          }
          return head.tlp.creditsRequired.allSatisfy { gates[$0.key.rawValue].permits($0.value) }
        }
        let choice = (1...3).map { (turn + $0) % 3 }.first(where: eligible) ?? (turn + 1) % 3
        let current = locked ? lockedClass : choice
        let linkValid = locked ? !queues[lockedClass].isEmpty : (0..<3).contains(where: eligible)
        expected["link_valid"] = BitVector(linkValid)
        if linkValid { expected.merge(beatFields(queues[current][0].beat, prefix: "link", width: width)) { $1 } }
        table.add(row, expecting: expected)

        // The clock edge.
        if linkValid && linkReady {
          let entry = queues[current].removeFirst()
          if entry.beat.start {
            // In type order: each release draws a random delay, and a dictionary's order differs from run to run.
            for (type, units) in entry.tlp.creditsRequired.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
              gates![type.rawValue].consume(units)
              try pools[type.rawValue].receive(units)
              releases.append((cycle + Int.random(in: 1...30, using: &random), type.rawValue, units))
            }
            turn = current
            if current > 0 { started[current - 1] += 1 }
            if current == 0 {
              postedQueuedIDs.removeFirst()
              if starveNonPosted && !queues[1].isEmpty { starvedPostedStarts += 1 }  // passing waiting NP TLPs
            }
            departures.append((entry.id, current, Set(postedQueuedIDs)))
            received[current].append(entry.id)
          }
          locked = !entry.beat.end
          lockedClass = current
        }
        if accepted, let entry = pending.first {
          let cls = entry.beat.start ? classIndex(entry.tlp) : held
          var queued = entry
          queued.before = (entered[0], entered[1])
          queues[cls].append(queued)
          if entry.beat.start {
            held = cls
            if cls > 0 { entered[cls - 1] += 1 } else { postedQueuedIDs.append(entry.id) }
            sent[cls].append(entry.id)
          }
          pending.removeFirst()
          offering = false
        }
        if initialize { gates = CreditType.allCases.map { CreditGate(type: $0, advertised: pools[$0.rawValue].advertised) } }
        if update {
          for t in 0..<6 { gates![t].update(limit: row["fc_\(names[t])_limit"]!.uint64.map(Int.init)!) }
        }
        for r in releases where r.at <= cycle { pools[r.type].release(r.units) }
        releases.removeAll { $0.at <= cycle }
      }
      // Properties of the model (and so of the design, once the two agree).
      for c in 0..<3 { XCTAssertEqual(received[c], Array(sent[c].prefix(received[c].count)), "class \(c) order; \(random)") }
      for d in departures where d.cls > 0 {
        XCTAssertTrue(d.postedBefore.allSatisfy { $0 > d.id }, "TLP \(d.id) passed an earlier posted TLP; \(random)")
      }
      XCTAssertLessThan(starveStart ?? .max, 3000, "the NP queue had room at some point after cycle 1900; \(random)")
      XCTAssertGreaterThan(starvedPostedStarts, 20, "posted TLPs must pass NP TLPs waiting for credits; \(random)")
      XCTAssertGreaterThan(received.map(\.count).reduce(0, +), 800, "\(random)")
      let actual = try table.simulate(design)
      assertOutputsMatch(design.top, actual, table.expected, random)
    }
  }

  private func classIndex(_ tlp: TLP) -> Int {
    switch tlp.kind.flowControlClass {
    case .posted: return 0
    case .nonPosted: return 1
    case .completion: return 2
    }
  }

  private func beatFields(_ beat: TLPStreamBeat, prefix: String, width: Int) -> [String: BitVector] {
    let d = beat.header + [0, 0, 0, 0]
    var words: [UInt64] = []
    for pair in stride(from: 0, to: beat.lanes.count, by: 2) {
      words.append(UInt64(beat.lanes[pair]) | (pair + 1 < beat.lanes.count ? UInt64(beat.lanes[pair + 1]) << 32 : 0))
    }
    return ["\(prefix)_header": BitVector(width: 128, words: [UInt64(d[2]) << 32 | UInt64(d[3]), UInt64(d[0]) << 32 | UInt64(d[1])]),
            "\(prefix)_data": BitVector(width: width, words: words),
            "\(prefix)_strobe": BitVector(width: width / 32, unsigned: beat.strobe), "\(prefix)_start": BitVector(beat.start),
            "\(prefix)_end": BitVector(beat.end)]
  }
}
