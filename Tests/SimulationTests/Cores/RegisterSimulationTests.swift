import Cores
import HDL
import Simulation
import SimulationTesting
import XCTest

/// The register block generated from a map with every access type (RW, RO constant and from
/// hardware, W1C, W1S, RC) and hardware set/clear hooks, driven through the MMIO master for 100k
/// cycles of random accesses, strobes, idle cycles and hardware events, against `RegisterReference`.
final class RegisterSimulationTests: SimulationTestCase {
  static let map = Result {
    try RegisterMap(name: "test_regs", baseAddress: 0x4000, registers: [
      Register("CONTROL", offset: 0x00, description: "Control.", fields: [
        Field("enable", bit: 0, access: .readWrite, reset: 1, description: "Enable.", hardware: .output),
        Field("mode", bits: 8...15, access: .readWrite, reset: 0x5a, description: "Mode."),
        Field("start", bits: 16...19, access: .writeOneToSet, description: "Start requests."),
        Field("version", bits: 24...31, access: .readOnly, reset: 0x42, description: "Version."),
      ]),
      Register("STATUS", offset: 0x04, description: "Status.", fields: [
        Field("flags", bits: 0...7, access: .writeOneToClear, description: "Sticky flags.", hardware: .set),
        Field("fill", bits: 8...15, access: .readOnly, description: "Fill level from hardware.", hardware: .input),
        Field("events", bits: 16...23, access: .readToClear, description: "Events, cleared by reading.", hardware: .set),
      ]),
      Register("REQUEST", offset: 0x08, description: "Requests.", fields: [
        Field("pending", bits: 0...15, access: .writeOneToSet, description: "Pending work.", hardware: .clear),
        Field("tag", bits: 24...31, access: .readWrite, reset: 0xa5, description: "Tag."),
      ]),
      Register("SCRATCH", offset: 0x10, description: "Scratch.", fields: [
        Field("value", bits: 0...31, access: .readWrite, reset: 0xdead_beef, description: "Anything."),
      ]),
    ])
  }

  func testEveryAccessTypeUnderRandomAccessesStrobesAndHardwareEvents() throws {
    let model = try self.model(try Design(top: registerBlock(try Self.map.get())))
    let master = try MMIOMaster(model, prefix: "mmio", random: random("mmio"))
    let flagsSet = try model.input("status_flags_set"), eventsSet = try model.input("status_events_set")
    let pendingClear = try model.input("request_pending_clear"), level = try model.input("status_fill_in")
    let enableOut = try model.output("control_enable_out")
    let check = CycleChecker()
    var reference = RegisterReference()
    var stimulus = random("stimulus")
    let addresses: [UInt64] = [0x00, 0x04, 0x08, 0x10, 0x0c, 0x02, 0x14, 0x1c]  // four registers, a hole, misaligned, beyond
    let cycles = 100_000
    var accesses = 0
    func quietHardware() {
      flagsSet.set(false)
      eventsSet.set(false)
      pendingClear.set(false)
      try? level.set(0)
    }

    model.reset()
    try expectResetValues(master, check: check, reference: &reference, cycle: model.cycle)
    while model.cycle < cycles {
      if model.cycle >= cycles / 2, model.cycle < cycles / 2 + 4 {
        // Reset in the middle of the run: every register returns to its reset value.
        quietHardware()
        model.reset()
        reference = RegisterReference()
        try expectResetValues(master, check: check, reference: &reference, cycle: model.cycle)
        continue
      }
      var hardware = RegisterReference.Hardware()
      hardware.flagsSet = stimulus.chance(0.03)
      hardware.eventsSet = stimulus.chance(0.03)
      hardware.pendingClear = stimulus.chance(0.05)
      hardware.level = UInt32(stimulus.next() & 0xff)
      flagsSet.set(hardware.flagsSet)
      eventsSet.set(hardware.eventsSet)
      pendingClear.set(hardware.pendingClear)
      try level.set(UInt64(hardware.level))
      let cycle = model.cycle

      if stimulus.chance(0.25) {
        model.settle()
        check.equal("control_enable_out", enableOut.uint64, UInt64(reference.enable), cycle: cycle)
        _ = reference.cycle(nil, hardware: hardware)
        model.step()
        continue
      }
      let address = addresses[Int(stimulus.next() % UInt64(addresses.count))]
      let access = RegisterReference.Access(write: stimulus.chance(0.5), address: address,
                                            data: UInt32(truncatingIfNeeded: stimulus.next()), strobe: UInt32(stimulus.next() & 0xf))
      let response = access.write ? try master.write(address, UInt64(access.data), strobe: UInt64(access.strobe))
                                  : try master.read(address)
      let expected = reference.cycle(access, hardware: hardware)!
      check.equal("mmio cycles per access", UInt64(master.lastAccessCycles), 1, cycle: cycle)
      check.equal("mmio_error", response.error, expected.error, cycle: cycle)
      if !access.write { check.equal("mmio_rdata", response.data, UInt64(expected.data), cycle: cycle) }
      accesses += 1
    }
    // Whatever the last writes left, a final read of each register agrees with the reference.
    quietHardware()
    for address in addresses.prefix(5) {
      let expected = reference.cycle(.init(write: false, address: address, data: 0, strobe: 0), hardware: .init())!
      check.equal("final read", try master.read(address).data, UInt64(expected.data), cycle: model.cycle)
    }
    XCTAssertNil(check.firstMismatch)
    XCTAssertGreaterThan(accesses, cycles / 2)
  }

  private func expectResetValues(_ master: MMIOMaster, check: CycleChecker, reference: inout RegisterReference, cycle: Int) throws {
    for (address, value) in RegisterReference.resetValues.sorted(by: { $0.key < $1.key }) {
      // Reads with hardware inputs at 0; reading STATUS also clears its RC field, in both.
      _ = reference.cycle(.init(write: false, address: address, data: 0, strobe: 0), hardware: .init())
      check.equal("reset value", try master.read(address).data, UInt64(value), cycle: cycle)
    }
  }
}
