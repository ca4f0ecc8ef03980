import Cores
import Firmware
import FirmwareSimulation

/// One node's firmware for the doorbell round trip, as a step function for `interleave`: it
/// takes the node's interrupt (`irq<i>`, INTERRUPT_STATUS.DOORBELL of the system controller,
/// enabled at start), reads the NTB's DOORBELL_STATUS, answers if it is the answering side (rings
/// the same doorbell back on the peer), then acknowledges: the NTB's status first, then the
/// system controller's (the NTB's level would set it again otherwise).
///
/// The ringing side (node 0) rings doorbell bit r mod the doorbell count in round r and counts
/// the cycles from the start of its `ringPeer` (the driver's LINK_STATUS check, then the write of
/// PEER_DOORBELL_SET) to the first cycle its `waitForInterrupt` sees its interrupt line high:
/// the write crossing node 0's management decode and NTB, the doorbell crossing the crosslink
/// (its delay line), node 1's interrupt, node 1's firmware noticing it (it polls its line every
/// cycle), reading DOORBELL_STATUS and ringing back, and that doorbell crossing back to node 0's
/// interrupt line.
final class DoorbellFirmware {
  let driver: NTBDriver<SimulatedHAL>
  let answers: Bool
  private let interruptStatus: UInt64
  private let interruptEnable: UInt64
  private let doorbellCause: UInt32
  private(set) var roundTrips: [UInt64] = []
  private(set) var failure: String?
  private var ringStart: UInt64?
  private var round = 0
  private let rounds: Int

  init(driver: NTBDriver<SimulatedHAL>, systemControlBase: UInt64, answers: Bool, rounds: Int) throws {
    self.driver = driver
    self.answers = answers
    self.rounds = rounds
    let map = try systemControlRegisters(boardID: 0)
    guard let status = map.register(named: "INTERRUPT_STATUS"), let enable = map.register(named: "INTERRUPT_ENABLE"),
          let cause = systemControlInterrupts.firstIndex(where: { $0.name == "DOORBELL" })
    else { throw BenchFailure("the system controller map has no INTERRUPT_STATUS/ENABLE.DOORBELL") }
    interruptStatus = systemControlBase + status.offset
    interruptEnable = systemControlBase + enable.offset
    doorbellCause = 1 << UInt32(cause)
    driver.hal.write32(interruptEnable, doorbellCause)
    driver.hal.write32(interruptStatus, doorbellCause)
  }

  var finished: Bool { failure != nil || round >= rounds }

  /// Node 0's ring of round `round`.
  func ring() {
    ringStart = driver.hal.cycles
    do throws(NTBError) { try driver.ringPeer(1 << UInt64(round % driver.doorbellCount)) } catch { failure = "\(error)" }
  }

  /// One turn: a cycle's wait for the interrupt; the answer when it came.
  func step() -> Bool {
    if finished { return true }
    guard driver.hal.waitForInterrupt(lines: 1, timeoutCycles: 1) != 0 else { return false }
    let seen = driver.hal.cycles
    let bits = driver.readDoorbells()
    guard bits != 0 else { failure = "interrupt without a doorbell at cycle \(seen)"; return true }
    do throws(NTBError) {
      if answers { try driver.ringPeer(bits) }
      try driver.clearDoorbells(bits)
    } catch { failure = "\(error)" }
    driver.hal.write32(interruptStatus, doorbellCause)
    round += 1
    if let start = ringStart {
      roundTrips.append(seen - start)
      if !finished { ring() }
    }
    return finished
  }

  /// The mean and fastest round trip of `rounds` doorbells rung by node 0 and answered by node 1.
  static func measure(_ pair: BoardPair, rounds: Int) throws -> (mean: Double, min: UInt64) {
    let drivers = try pair.bootBoth()
    let base = pair.address(NodeAddressMap.systemControl)
    let sides = try [DoorbellFirmware(driver: drivers[0], systemControlBase: base, answers: false, rounds: rounds),
                     DoorbellFirmware(driver: drivers[1], systemControlBase: base, answers: true, rounds: rounds)]
    sides[0].ring()
    guard interleave(maxRounds: rounds * 2000, sides.map { side in { side.step() } }) != nil else {
      throw BenchFailure("the doorbell round trips did not finish: \(sides.map { $0.roundTrips.count }) done")
    }
    if let why = sides.compactMap(\.failure).first { throw BenchFailure("doorbell firmware: \(why)") }
    let trips = sides[0].roundTrips
    guard trips.count == rounds else { throw BenchFailure("\(trips.count) of \(rounds) round trips measured") }
    return (Double(trips.reduce(0, +)) / Double(trips.count), trips.min() ?? 0)
  }
}
