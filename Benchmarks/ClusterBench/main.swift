import Foundation

// strata-bench-cluster: the RTL figures of scripts/bench/cluster on a two-node board top
// (boards/devkit.yaml's shape with two nodes and one crosslink), each node's firmware through
// SimulatedHAL on its management port and its root complex on its host link. Prints
// `key: value` lines. CLUSTER_BENCH_TRACE=<folder>: one FST waveform per figure there.
func format(_ v: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", v) }

do {
  let board = try DevkitPair.load()
  print("board: devkit with 2 nodes, one crosslink of \(board.ntb.linkLatencyCycles) cycles each way, \(board.datapathBits)-bit datapath, \(board.clockMHz) MHz")
  // Each figure on a fresh board, so none inherits another's state (or waveform).
  func fresh<T>(_ name: String, _ measure: (BoardPair) throws -> T) throws -> T {
    let pair = try BoardPair(board: board, trace: ProcessInfo.processInfo.environment["CLUSTER_BENCH_TRACE"].map { "\($0)/\(name).fst" })
    defer { pair.finish() }
    return try measure(pair)
  }
  let doorbell = try fresh("doorbell") { try DoorbellFirmware.measure($0, rounds: 32) }
  let read = try fresh("remote_read") { try WindowTraffic.remoteRead($0, byteCount: 64, reads: 8) }
  let write = try fresh("window_write") { try WindowTraffic.windowWrites($0, byteCount: 256, writes: 256, settle: 16) }
  let ns = 1000.0 / Double(board.clockMHz)
  let lineRate = Double(board.datapathBits / 8) * Double(board.clockMHz) / 1000  // GB/s: a data beat per cycle
  print("doorbell_rtt_min_cycles: \(doorbell.min) (32 round trips, firmware on both nodes)")
  print("doorbell_rtt_ns: \(format(doorbell.mean * ns, 1))")
  print("remote_read_request_leg_cycles: \(format(read.requestLeg, 1)) (host0_in first beat to the read leaving host1_out)")
  print("remote_read_min_cycles: \(read.min) (8 reads of 64 bytes, one at a time)")
  print("remote_read_ns: \(format(read.mean * ns, 1))")
  print("window_write_credit_stall_cycles: \(write.creditStalls) (host0 waiting for its switch's posted credits)")
  print("window_write_gbytes_per_s: \(format(write.efficiency * lineRate)) (line rate \(format(lineRate)) GB/s)")
  print("doorbell_rtt_cycles: \(format(doorbell.mean, 1))")
  print("remote_read_cycles: \(format(read.mean, 1))")
  print("window_write_efficiency: \(format(write.efficiency, 3))")
} catch {
  FileHandle.standardError.write(Data("strata-bench-cluster: \(error)\n".utf8))
  exit(1)
}
