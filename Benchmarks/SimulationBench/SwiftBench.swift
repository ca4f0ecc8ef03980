import Foundation
import HDL
import Simulation

/// The Swift side: the benchmark traffic through the BFMs and scoreboards of `Simulation`.
struct SwiftBench {
  let compiled: CompiledModel

  struct Result {
    let cycles: Int
    /// Wall time of the loop.
    let seconds: Double
    /// CPU time of this thread in the loop: what the ratio with the native bench uses, since on
    /// a shared machine waiting for a core inflates wall time by whatever the neighbours do.
    let cpuSeconds: Double
    let delivered: Int
    let problem: String?
    var cyclesPerSecond: Double { Double(cycles) / seconds }
    var cyclesPerCPUSecond: Double { Double(cycles) / cpuSeconds }
  }

  func run(cycles: Int, tracePath: String? = nil) throws -> Result {
    let model = try Model(compiled)
    if let tracePath { try model.startTrace(to: tracePath) }
    let n = Stimulus.requesters
    let drivers = try (0..<n).map {
      try StreamDriver(model, prefix: "in\($0)", validProbability: Probability(Stimulus.validProbability),
                       random: SimulationRandom(seed: Stimulus.seed, stream: "in\($0)"))
    }
    let monitor = try StreamMonitor(model, prefix: "out", readyProbability: Probability(Stimulus.readyProbability),
                                    random: SimulationRandom(seed: Stimulus.seed, stream: "out"))
    let scoreboards = (0..<n).map { Scoreboard<UInt64>("requester \($0)") }
    var packets = SimulationRandom(seed: Stimulus.seed, stream: "packets")

    model.reset()
    let start = DispatchTime.now(), cpuStart = threadCPUSeconds()
    for cycle in 0..<cycles {
      for i in 0..<n {
        let driver = drivers[i]
        if driver.pending < 2 {
          let beats = Int(packets.next() % 4) + 1
          for beat in 0..<beats {
            try driver.send(packets.next() & 0x3fff_ffff | UInt64(i) << 30, last: beat == beats - 1)
          }
        }
        driver.drive()  // each driver draws from its own stream, so topping up as we go changes nothing
      }
      monitor.drive()
      model.settle()
      for i in 0..<n where drivers[i].observe() {
        scoreboards[i].expect(drivers[i].acceptedData << 1 | (drivers[i].acceptedLast ? 1 : 0))
      }
      if monitor.observe(cycle: cycle) {
        scoreboards[Int(monitor.data >> 30)].observe(monitor.data << 1 | (monitor.last ? 1 : 0), cycle: cycle)
      }
      model.step()
    }
    let cpuSeconds = threadCPUSeconds() - cpuStart
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    model.stopTrace()
    let problem = scoreboards.lazy.compactMap { $0.verdict(allowingOutstanding: true) }.first ?? monitor.protocolViolation
    return Result(cycles: cycles, seconds: seconds, cpuSeconds: cpuSeconds, delivered: scoreboards.reduce(0) { $0 + $1.matched }, problem: problem)
  }
}

/// CPU time consumed by the calling thread (CLOCK_THREAD_CPUTIME_ID), in seconds.
func threadCPUSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
