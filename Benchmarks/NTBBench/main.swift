import Cores
import Foundation

// strata-bench-ntb: the NTB figures of scripts/bench/switch. Prints `key: value` lines.
do {
  let layout = try NTBLayout(memoryWindows: 2, windowSize: 1 << 20, lutEntries: 32, scratchpads: 16, doorbells: 64)
  // The devkit board's crosslink: 20 cycles each way (ntb.link_latency_cycles); and none, for the NTB logic alone.
  let bare = try DoorbellRoundTrip.measure(layout: layout, linkLatency: 0)
  let board = try DoorbellRoundTrip.measure(layout: layout, linkLatency: 20)
  // The same round trips with credit-based flow control on the crosslink, sized from the link as
  // every board's crosslink is (NTBCrosslinkCredits(linkLatency:dataWidth:), issue #6): these are
  // the boards' figures, the plain ones above the NTB logic without the crosslink queues.
  let credited = try DoorbellRoundTrip.measure(layout: layout, linkLatency: 0,
                                               crosslinkCredits: NTBCrosslinkCredits(linkLatency: 0, dataWidth: 64))
  let creditedBoard = try DoorbellRoundTrip.measure(layout: layout, linkLatency: 20,
                                                    crosslinkCredits: NTBCrosslinkCredits(linkLatency: 20, dataWidth: 64))
  // Posted-write bandwidth over the devkit's 20-cycle crosslink, plain and with the credits sized
  // from the link (NTBCrosslinkCredits(linkLatency:dataWidth:)), measured side by side.
  let sized = NTBCrosslinkCredits(linkLatency: 20, dataWidth: 64)
  let plainRate = try CrosslinkBandwidth.measure(layout: layout, linkLatency: 20, crosslinkCredits: nil)
  let creditRate = try CrosslinkBandwidth.measure(layout: layout, linkLatency: 20, crosslinkCredits: sized)
  print(String(format: "crosslink_bytes_per_cycle_plain: %.2f (%d cycles)", plainRate.bytesPerCycle, plainRate.cycles))
  print(String(format: "crosslink_bytes_per_cycle_credits: %.2f (%d cycles; %d header, %d data credits, receive queues of %d beats)",
               creditRate.bytesPerCycle, creditRate.cycles, sized.headerCredits, sized.dataCredits, sized.receiveDepth))
  if ProcessInfo.processInfo.environment["STRATA_BENCH_SWEEP"] != nil {
    for data in [16, 20, 24, 26, 28, 32] {
      let c = NTBCrosslinkCredits(headerCredits: 8, dataCredits: data, receiveDepth: 8 + 2 * data, egressDepth: 16)
      let r = try CrosslinkBandwidth.measure(layout: layout, linkLatency: 20, crosslinkCredits: c)
      print(String(format: "sweep data credits %d: %.2f bytes/cycle (%d cycles)", data, r.bytesPerCycle, r.cycles))
    }
  }
  print("doorbell_one_way_cycles_no_link_latency_plain_crosslink: \(bare.oneWayCycles)")
  print("doorbell_rtt_cycles_no_link_latency_plain_crosslink: \(bare.roundTripCycles)")
  print("doorbell_one_way_cycles_plain_crosslink: \(board.oneWayCycles)")
  print("doorbell_rtt_cycles_plain_crosslink: \(board.roundTripCycles)")
  print("doorbell_one_way_cycles_no_link_latency: \(credited.oneWayCycles)")
  print("doorbell_rtt_cycles_no_link_latency: \(credited.roundTripCycles)")
  print("doorbell_one_way_cycles: \(creditedBoard.oneWayCycles)")
  print("doorbell_rtt_cycles: \(creditedBoard.roundTripCycles)")
} catch {
  FileHandle.standardError.write(Data("strata-bench-ntb: \(error)\n".utf8))
  exit(1)
}
