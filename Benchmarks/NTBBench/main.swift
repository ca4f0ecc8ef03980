import Cores
import Foundation

// strata-bench-ntb: the NTB figures of scripts/bench/switch. Prints `key: value` lines.
do {
  let layout = try NTBLayout(memoryWindows: 2, windowSize: 1 << 20, lutEntries: 32, scratchpads: 16, doorbells: 64)
  // The devkit board's crosslink: 20 cycles each way (ntb.link_latency_cycles); and none, for the NTB logic alone.
  let bare = try DoorbellRoundTrip.measure(layout: layout, linkLatency: 0)
  let board = try DoorbellRoundTrip.measure(layout: layout, linkLatency: 20)
  // The same round trips with credit-based flow control on the crosslink (NTBCrosslinkCredits, issue #6).
  let credited = try DoorbellRoundTrip.measure(layout: layout, linkLatency: 0, crosslinkCredits: NTBCrosslinkCredits())
  let creditedBoard = try DoorbellRoundTrip.measure(layout: layout, linkLatency: 20, crosslinkCredits: NTBCrosslinkCredits())
  print("doorbell_rtt_cycles_no_link_latency_crosslink_credits: \(credited.roundTripCycles)")
  print("doorbell_rtt_cycles_crosslink_credits: \(creditedBoard.roundTripCycles)")
  print("doorbell_one_way_cycles_no_link_latency: \(bare.oneWayCycles)")
  print("doorbell_rtt_cycles_no_link_latency: \(bare.roundTripCycles)")
  print("doorbell_one_way_cycles: \(board.oneWayCycles)")
  print("doorbell_rtt_cycles: \(board.roundTripCycles)")
} catch {
  FileHandle.standardError.write(Data("strata-bench-ntb: \(error)\n".utf8))
  exit(1)
}
