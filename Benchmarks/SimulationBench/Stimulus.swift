/// The benchmark's traffic and checks, stated once so that the Swift, C++ and cocotb benches
/// can do exactly the same thing (NativeBench.swift and CocotbBench.swift spell them out again).
///
/// Each cycle, in this order: every requester with fewer than 2 beats queued gets a packet of
/// 1-4 beats (length, then each beat's data, from the "packets" stream; data is 30 random bits
/// with the requester's index in bits 31:30); each driver raises valid with probability 0.7
/// (its stream "in<i>") and holds it until taken; the monitor raises ready with probability 0.8
/// (stream "out"); the model settles; taken beats go to their requester's scoreboard and
/// delivered beats are compared with the scoreboard of the requester named in bits 31:30; the
/// clock rises. Every bench also does what the BFMs check besides: each queued word fits its
/// port (`StreamDriver.send`), and the design's `out` keeps `valid` and `data` steady while a
/// word waits for `ready` (`StreamMonitor`'s protocol check).
enum Stimulus {
  static let requesters = 4
  static let validProbability = 0.7
  static let readyProbability = 0.8
  static let seed: UInt64 = 2026
}
