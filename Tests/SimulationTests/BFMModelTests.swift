import HDL
import Simulation
import SimulationTesting
import XCTest

/// BFMs against a deliberately misbehaving design: the monitor catches protocol breaches and
/// the MMIO master gives up on a block that never answers, saying so.
final class BFMModelTests: SimulationTestCase {
  /// `out` raises valid every other cycle whatever `ready` says, with a counter as data (a producer
  /// that breaks the stream rule); `bus` never raises ready.
  static let misbehaving = Module("misbehaving") { m in
    let out = m.port("out", Stream(width: 8))
    let bus = m.port("bus", MMIO(addressWidth: 4).flipped)
    let counter = m.register("counter", width: 8)
    counter <== counter + 1
    out.valid <== counter[0]
    out.data <== counter
    bus.ready <== false
    bus.readData <== Signal.zero(width: 32)
    bus.error <== false
    m.output("ignored") <== (out.ready ^ bus.valid ^ bus.write ^ bus.address.reduceXor() ^ bus.writeData.reduceXor()
                             ^ bus.strobe.reduceXor())
  }

  func testTheMonitorReportsValidFallingBeforeTheTransfer() throws {
    let model = try self.model(try Design(top: Self.misbehaving))
    let monitor = try StreamMonitor(model, prefix: "out", readyProbability: .never, random: random("out"))
    model.reset()
    for cycle in 0..<10 {
      monitor.drive()
      model.settle()
      monitor.observe(cycle: cycle)
      model.step()
    }
    XCTAssertEqual(monitor.received, 0)
    // Counter 0 after reset: valid rises in cycle 1 with data 1, is not taken, and falls in cycle 2.
    XCTAssertEqual(monitor.protocolViolation, "out: cycle 2: valid fell before the word 0x1 was taken")
  }

  /// `out` holds valid high and counts on `data` whatever `ready` says: a producer that changes
  /// the word it offers before it is taken.
  static let fickle = Module("fickle") { m in
    let out = m.port("out", Stream(width: 8))
    let counter = m.register("counter", width: 8)
    counter <== counter + 1
    out.valid <== true
    out.data <== counter
    m.output("ignored") <== out.ready
  }

  func testTheMonitorReportsDataChangingBeforeTheTransfer() throws {
    let model = try self.model(try Design(top: Self.fickle))
    let monitor = try StreamMonitor(model, prefix: "out", readyProbability: .never, random: random("out"))
    model.reset()
    for cycle in 0..<10 {
      monitor.drive()
      model.settle()
      monitor.observe(cycle: cycle)
      model.step()
    }
    XCTAssertEqual(monitor.received, 0)
    // Counter 0 after reset: word 0x0 is offered in cycle 0, not taken, and replaced by 0x1 in cycle 1.
    XCTAssertEqual(monitor.protocolViolation, "out: cycle 1: data changed from 0x0 to 0x1 while valid was waiting for ready")
  }

  /// The wide monitor keeps the same watch on the producer (its words are BitVectors).
  func testTheWideMonitorReportsTheSameBreaches() throws {
    for (design, expected) in [(Self.misbehaving, "out: cycle 2: valid fell before the word 0x01 was taken"),
                               (Self.fickle, "out: cycle 1: data changed from 0x00 to 0x01 while valid was waiting for ready")] {
      let model = try self.model(try Design(top: design))
      let monitor = try WideStreamMonitor(model, prefix: "out", readyProbability: .never, random: random("out"))
      model.reset()
      for cycle in 0..<10 {
        monitor.drive()
        model.settle()
        monitor.observe(cycle: cycle)
        model.step()
      }
      XCTAssertEqual(monitor.received, 0)
      XCTAssertEqual(monitor.protocolViolation, expected)
    }
  }

  func testTheMasterGivesUpOnABlockThatNeverAnswers() throws {
    let model = try self.model(try Design(top: Self.misbehaving))
    let master = try MMIOMaster(model, prefix: "bus", random: random("bus"))
    master.timeout = 20
    model.reset()
    XCTAssertThrowsError(try master.read(0x4)) { error in
      XCTAssertEqual(error as? SimulationError, .noResponse(transaction: "bus: read of 0x4", cycles: 20, cycle: 22))
      XCTAssertTrue("\(error)".contains("got no ready within 20 cycles"), "\(error)")
    }
    XCTAssertEqual(try model.output("bus_valid").uint64, 0, "the master lowers valid when it gives up")
  }
}
