import Cores
import HDL
import PCIe
import Simulation

/// Posted-write bandwidth across the crosslink of `ntbPair`: A's local side sends `writes`
/// back-to-back `bytes`-byte MWr through memory window 0; cycles from the first beat offered on
/// A's `local_in` until the last write's end leaves B's `local_out` (which always takes).
/// Bytes per cycle = writes × bytes / cycles; the 64-bit data path carries at most 8.
struct CrosslinkBandwidth {
  let cycles: Int
  let bytesPerCycle: Double

  static func measure(layout: NTBLayout, linkLatency: Int, crosslinkCredits: NTBCrosslinkCredits?,
                      writes: Int = 64, bytes: Int = 64) throws -> CrosslinkBandwidth {
    let dataWidth = 64
    let pair = try ntbPair(layout: layout, dataWidth: dataWidth, linkLatency: linkLatency, crosslinkCredits: crosslinkCredits)
    let model = try Model(try CompiledModel.load(try Design(top: pair)))
    if crosslinkCredits != nil {
      for side in ["a", "b"] {
        for room in EgressRoom.classNames { try model.input("\(side)_local_room_\(room)").set(UInt64(EgressRoom.anyTLP)) }
      }
    }
    let sides = try ["a", "b"].map { try DoorbellRoundTrip.ManagementPort(model, prefix: $0) }
    try model.input("phy_up").set(1)
    try model.input("link_speed").set(3)
    try model.input("link_width").set(8)
    for side in ["a", "b"] {
      try model.input("\(side)_local_out_ready").set(1)
      try model.input("\(side)_bus_master_enable").set(1)
    }
    model.reset()
    // A's window 0 (1 MiB at aperture 0) leads to B's address 0x1000_0000; requester 01:00.0 may use it.
    let requester = PCIeID(rawValue: 0x0100)
    for (s, bus) in zip(sides, [0x10, 0x20]) {
      try s.write(NTBLayout.identity, UInt32(bus))
      try s.write(NTBLayout.windowTranslationLow(0), 0x1000_0000)
      try s.write(NTBLayout.windowControl(0), 1 | 20 << 8)
      try s.write(NTBLayout.requesterEntry(0), UInt32(requester.rawValue) | 1 << 31)
      try s.write(NTBLayout.linkControl, 1)
    }
    model.step(20 + 2 * linkLatency)
    guard try sides[0].read(NTBLayout.linkStatus) & 1 == 1 else { throw DoorbellRoundTrip.BenchError.linkDidNotComeUp }

    let lanes = dataWidth / 32
    var all: [TLPStreamBeat] = []
    for n in 0..<writes {
      let payload = [UInt8](repeating: UInt8(n & 0xFF), count: bytes)
      let write = TLP.memoryWrite(address: UInt64(n * bytes), data: payload, requester: requester, tag: UInt16(n & 0xFF))
      all += write.streamBeats(lanes: lanes)
    }
    var beats = all[...]
    let input = try ["valid", "header", "data", "strobe", "start", "end"].map { try model.input("a_local_in_\($0)") }
    let inReady = try model.output("a_local_in_ready")
    let out = try ["valid", "end"].map { try model.output("b_local_out_\($0)") }
    var arrived = 0, cycle = 0
    while arrived < writes {
      guard cycle < 100_000 else { throw DoorbellRoundTrip.BenchError.noInterrupt }
      if let beat = beats.first {
        let h = beat.header.map { UInt64($0) }
        let low: UInt64 = h[2] << 32 | h[3], high: UInt64 = h[0] << 32 | h[1]
        try input[1].set(BitVector(width: 128, words: [low, high]))
        let lane0 = UInt64(beat.lanes[0]), lane1 = UInt64(beat.lanes[1])
        try input[2].set(lane0 | lane1 << 32)
        try input[3].set(beat.strobe)
        input[4].set(beat.start)
        input[5].set(beat.end)
      }
      input[0].set(!beats.isEmpty)
      model.settle()
      if !beats.isEmpty && inReady.bool { beats = beats.dropFirst() }
      if out[0].bool && out[1].bool { arrived += 1 }
      model.step()
      cycle += 1
    }
    return CrosslinkBandwidth(cycles: cycle, bytesPerCycle: Double(writes * bytes) / Double(cycle))
  }
}
