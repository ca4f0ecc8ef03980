import Cores
import HDL
import Simulation

/// The doorbell round trip between two nodes' NTB functions (`ntbPair`, each crosslink direction
/// `linkLatency` cycles long), as `ntb_pingpong` plays it: A rings doorbell 0 of B (one write to
/// PEER_DOORBELL_SET_0); B's interrupt line rises; in the next cycle B's firmware rings
/// doorbell 0 of A; A's interrupt line rises. Cycles from A's write to A's interrupt; the
/// firmware's own time (one cycle to react, one-cycle register accesses) is included, nothing else.
struct DoorbellRoundTrip {
  let oneWayCycles: Int
  let roundTripCycles: Int

  static func measure(layout: NTBLayout, dataWidth: Int = 64, linkLatency: Int,
                      crosslinkCredits: NTBCrosslinkCredits? = nil) throws -> DoorbellRoundTrip {
    let pair = try ntbPair(layout: layout, dataWidth: dataWidth, linkLatency: linkLatency, crosslinkCredits: crosslinkCredits)
    let model = try Model(try CompiledModel.load(try Design(top: pair)))
    if crosslinkCredits != nil {  // local sides with room for anything
      for side in ["a", "b"] {
        for room in EgressRoom.classNames { try model.input("\(side)_local_room_\(room)").set(UInt64(EgressRoom.anyTLP)) }
      }
    }
    let sides = try ["a", "b"].map { try ManagementPort(model, prefix: $0) }
    try model.input("phy_up").set(1)
    try model.input("link_speed").set(3)
    try model.input("link_width").set(8)
    for side in ["a", "b"] { try model.input("\(side)_local_out_ready").set(1) }
    model.reset()
    for s in sides {
      try s.write(NTBLayout.interruptRouting, 0)  // doorbells only on the lines
      try s.write(NTBLayout.linkControl, 1)
    }
    model.step(20 + 2 * linkLatency)
    guard try sides[0].read(NTBLayout.linkStatus) & 1 == 1 else { throw BenchError.linkDidNotComeUp }

    var cycle = 0
    func runUntil(_ side: ManagementPort) throws -> Int {
      while cycle < 10_000 {
        model.settle()
        if side.irq.uint64 & 1 == 1 { return cycle }
        model.step()
        cycle += 1
      }
      throw BenchError.noInterrupt
    }
    try sides[0].write(NTBLayout.peerDoorbellSet(0), 1)  // cycle 0
    cycle = 1
    let atB = try runUntil(sides[1])
    model.step()
    cycle += 1
    try sides[1].write(NTBLayout.peerDoorbellSet(0), 1)
    cycle += 1
    let atA = try runUntil(sides[0])
    return DoorbellRoundTrip(oneWayCycles: atB, roundTripCycles: atA)
  }

  enum BenchError: Error { case linkDidNotComeUp, noInterrupt, accessNotTaken }

  /// One side's management port, an access per cycle.
  struct ManagementPort {
    let model: Model
    let valid, write, address, data, strobe: InputPort
    let ready, readData, irq: OutputPort

    init(_ model: Model, prefix: String) throws {
      self.model = model
      valid = try model.input("\(prefix)_mmio_valid")
      write = try model.input("\(prefix)_mmio_write")
      address = try model.input("\(prefix)_mmio_address")
      data = try model.input("\(prefix)_mmio_wdata")
      strobe = try model.input("\(prefix)_mmio_strobe")
      ready = try model.output("\(prefix)_mmio_ready")
      readData = try model.output("\(prefix)_mmio_rdata")
      irq = try model.output("\(prefix)_irq")
    }

    /// Presents the access in the current cycle and steps past it; returns the read data.
    @discardableResult
    func access(_ isWrite: Bool, _ offset: UInt64, _ value: UInt32 = 0) throws -> UInt32 {
      valid.set(true)
      write.set(isWrite)
      try address.set(offset)
      try data.set(UInt64(value))
      try strobe.set(0xF)
      defer { valid.set(false) }
      model.settle()
      guard ready.bool else { throw BenchError.accessNotTaken }
      let result = UInt32(truncatingIfNeeded: readData.uint64)
      model.step()
      return result
    }
    func write(_ offset: UInt64, _ value: UInt32) throws { try access(true, offset, value) }
    func read(_ offset: UInt64) throws -> UInt32 { try access(false, offset) }
  }
}
