import Firmware
import FirmwareSimulation
import PCIe

/// Memory traffic through node 0's NTB memory window 0, issued by node 0's root complex on
/// `host0` into the NTB endpoint's BAR0, translated by node 0's NTB (its firmware points the
/// window at `peerBuffer`, `ntb_peer_mw_set_trans`) and served by node 1's memory behind `host1`.
enum WindowTraffic {
  /// Where window 0 lands in node 1's memory: outside node 1's bridge windows, so node 1's
  /// switch sends it up to its root complex.
  static let peerBuffer: UInt64 = 0x4000_0000

  /// Both nodes booted, node 0's window 0 translated to node 1's `peerBuffer`.
  static func open(_ pair: BoardPair) throws {
    let drivers = try pair.bootBoth()
    let size = UInt64(pair.board.ntb.windowSize)
    do throws(NTBError) { try drivers[0].setTranslation(window: 0, peerAddress: peerBuffer, size: size) } catch {
      throw BenchFailure("node 0 could not point window 0 at node 1's memory: \(error)")
    }
  }

  /// Unloaded latency of `byteCount`-byte reads, one at a time: cycles from the read's first
  /// beat going into `host0_in` to the last beat of its completion leaving `host0_out`. Each
  /// completion's data is checked against node 1's memory.
  /// `requestLeg`: of those cycles, the ones until the read's last beat left `host1_out`.
  static func remoteRead(_ pair: BoardPair, byteCount: Int, reads: Int) throws -> (mean: Double, min: UInt64, requestLeg: Double) {
    try open(pair)
    let (requester, memory) = (pair.hosts[0], pair.hosts[1])
    var latencies: [UInt64] = [], legs: [UInt64] = []
    for r in 0..<reads {
      let offset = UInt64(r) * 0x1000 + 0x40
      let expected = (0..<byteCount).map { UInt8(truncatingIfNeeded: r &* 37 &+ $0 &* 11 &+ 1) }
      memory.write(peerBuffer + offset, bytes: expected)
      let before = requester.arrivals.count
      requester.send(.memoryRead(address: BoardPair.ntbBAR + offset, byteCount: byteCount, requester: BoardPair.rootComplex, tag: UInt16(r)))
      do { try pair.run(until: { requester.arrivals.count > before }, limit: 2000) } catch {
        throw BenchFailure("read \(r) got no completion in 2000 cycles; \(pair.linkReport())")
      }
      let (cycle, completion) = requester.arrivals[before]
      guard completion.kind == .completionWithData, completion.status == .successful, completion.tag == UInt16(r),
            completion.requester == BoardPair.rootComplex, Array(completion.payload.prefix(byteCount)) == expected
      else { throw BenchFailure("read \(r): node 0's root complex got \(completion), not node 1's \(byteCount) bytes") }
      let start = requester.requestStarts.last!
      guard let served = memory.arrivals.last(where: { $0.tlp.kind == .memoryRead }), served.cycle > start else {
        throw BenchFailure("read \(r): completed, but node 1's root complex saw no read after cycle \(start)")
      }
      latencies.append(cycle - start)
      legs.append(served.cycle - start)
      pair.system.step(20)
    }
    func mean(_ v: [UInt64]) -> Double { Double(v.reduce(0, +)) / Double(v.count) }
    return (mean(latencies), latencies.min() ?? 0, mean(legs))
  }

  /// Back-to-back `byteCount`-byte writes into the window: payload beats leaving `host1_out` per
  /// cycle over the steady state (the writes after the first and before the last `settle`
  /// ones), as a fraction of line rate, one data beat per cycle. Node 1's memory must hold
  /// every byte written.
  static func windowWrites(_ pair: BoardPair, byteCount: Int, writes: Int, settle: Int) throws -> WindowWriteFigures {
    try open(pair)
    let (writer, memory) = (pair.hosts[0], pair.hosts[1])
    let lanes = pair.board.datapathBits / 32
    let beatsPerWrite = (byteCount / 4 + lanes - 1) / lanes
    var expected: [UInt64: UInt8] = [:]
    for w in 0..<writes {
      let offset = UInt64(w * byteCount)
      let data = (0..<byteCount).map { UInt8(truncatingIfNeeded: w &* 13 &+ $0 &* 7 &+ 3) }
      for (i, byte) in data.enumerated() { expected[peerBuffer + offset + UInt64(i)] = byte }
      writer.send(.memoryWrite(address: BoardPair.ntbBAR + offset, data: data, requester: BoardPair.rootComplex))
    }
    let stallsBefore = writer.creditStalls
    try pair.run(until: { memory.writeBeatCycles.count == writes * beatsPerWrite }, limit: writes * beatsPerWrite * 20 + 2000)
    for (address, byte) in expected where memory.memory[address] != byte {
      throw BenchFailure("node 1's memory at 0x\(String(address, radix: 16)) holds \(memory.memory[address].map(String.init) ?? "nothing"), not \(byte)")
    }
    let beats = memory.writeBeatCycles
    let first = beats[settle * beatsPerWrite], last = beats[(writes - settle) * beatsPerWrite - 1]
    let steadyBeats = (writes - 2 * settle) * beatsPerWrite
    return WindowWriteFigures(efficiency: Double(steadyBeats) / Double(last - first + 1), beatsPerWrite: beatsPerWrite,
                              creditStalls: writer.creditStalls - stallsBefore)
  }
}

struct WindowWriteFigures {
  let efficiency: Double
  let beatsPerWrite: Int
  /// Cycles node 0's root complex waited for its switch's posted credits.
  let creditStalls: Int
}
