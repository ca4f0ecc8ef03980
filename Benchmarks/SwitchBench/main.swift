import Cores
import Foundation
import HDL
import PCIe
import Simulation

// SwitchBench: the figures of scripts/bench/switch for `pcieSwitch` (64-bit data path):
// saturation per output under uniform all-to-all 256-byte MWr on 4 and 8 ports, and
// port-to-port latency (first beat in to first beat out) unloaded and at 80% offered load.
// Usage: SwitchBench [measured cycles (20000)]
let cycles = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 20_000
let warmUp = 5_000
let beatsPerTLP = 32  // 256 bytes on a 64-bit path

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("SwitchBench: \(message)\n".utf8))
  exit(1)
}

/// The switch as `SwitchParameters` sizes it for line rate: 64-bit data path, 256-byte Max_Payload_Size.
func compile(ports: Int) throws -> CompiledModel {
  let started = Date()
  let design = try Design(top: try pcieSwitch(SwitchBench.parameters(ports: ports)))
  let compiled = try CompiledModel.load(design)
  print("\(ports)-port switch: \(design.top), model ready in \(String(format: "%.0f", Date().timeIntervalSince(started))) s")
  return compiled
}

/// Every ingress always has a 256-byte MWr for a uniformly chosen other port; every output
/// always ready. Returns each output's share of cycles carrying a beat.
func saturation(_ compiled: CompiledModel, ports n: Int) throws -> [Double] {
  let bench = try SwitchBench(ports: n, compiled: compiled)
  var random = SimulationRandom(seed: 1, stream: "saturation")
  var before = [Int](repeating: 0, count: n)
  for c in 0..<(warmUp + cycles) {
    for i in 0..<n where bench.links[i].waiting < 2 {
      bench.links[i].send(bench.write(from: i, to: (i + Int.random(in: 1..<n, using: &random)) % n, marker: 0))
    }
    if c == warmUp { before = bench.links.map(\.beatsOut) }
    try bench.tick()
  }
  print("\(n) ports, cycles a link partner waited for the switch's credits: \(bench.links.map(\.creditStalls))")
  print("\(n) ports, ingress beats per cycle: \(bench.links.map { format(Double($0.beatsIn) / Double(warmUp + cycles)) })")
  return (0..<n).map { Double(bench.links[$0].beatsOut - before[$0]) / Double(cycles) }
}

/// Latency of TLPs whose first payload DW is a marker: cycles from the first beat entering
/// an ingress to the first beat leaving the egress. `load` is the offered share of line rate
/// per ingress (TLPs start at Bernoulli times so that beats average `load` per cycle).
func latencies(_ compiled: CompiledModel, ports n: Int, load: Double, tlps: Int) throws -> [Int] {
  let bench = try SwitchBench(ports: n, compiled: compiled)
  var random = SimulationRandom(seed: 2, stream: "latency")
  var marker: UInt32 = 1
  var sentAt: [UInt32: Int] = [:]
  var measured: [Int] = []
  let startChance = load / Double(beatsPerTLP)
  while measured.count < tlps {
    for i in 0..<n where Double.random(in: 0..<1, using: &random) < startChance || (load == 0 && !bench.links.contains(where: \.busy)) {
      let destination = (i + Int.random(in: 1..<n, using: &random)) % n
      bench.links[i].send(bench.write(from: i, to: destination, marker: marker))
      marker += 1
      if load == 0 { break }
    }
    try bench.tick()
    for link in bench.links {
      for s in link.started { sentAt[s.tag] = s.cycle }
      link.started = []
    }
    for link in bench.links {
      for a in link.arrivals {
        guard let sent = sentAt.removeValue(forKey: a.tag) else { fail("a TLP with marker \(a.tag) left that never entered") }
        if bench.cycle > warmUp || load == 0 { measured.append(a.cycle - sent) }
      }
      link.arrivals = []
    }
    guard bench.cycle < 50 * (warmUp + tlps * beatsPerTLP) else { fail("latency run stuck: \(measured.count) of \(tlps) measured") }
  }
  return measured
}

func format(_ x: Double) -> String { String(format: "%.3f", x) }

do {
  let four = try compile(ports: 4)
  let share4 = try saturation(four, ports: 4)
  print("4 ports, saturation per output: \(share4.map(format))")
  let unloaded = try latencies(four, ports: 4, load: 0, tlps: 60)
  let loaded = try latencies(four, ports: 4, load: 0.8, tlps: 3_000)
  let sortedLoaded = loaded.sorted()
  print("4 ports, latency unloaded: min \(unloaded.min()!) max \(unloaded.max()!) cycles")
  print("4 ports, latency at 80% load: mean \(format(Double(loaded.reduce(0, +)) / Double(loaded.count))), median \(sortedLoaded[loaded.count / 2]), p99 \(sortedLoaded[loaded.count * 99 / 100]) cycles over \(loaded.count) TLPs")
  let eight = try compile(ports: 8)
  let share8 = try saturation(eight, ports: 8)
  print("8 ports, saturation per output: \(share8.map(format))")

  print("saturation_4port: \(format(share4.reduce(0, +) / 4))")
  print("saturation_8port: \(format(share8.reduce(0, +) / 8))")
  print("latency_unloaded_cycles: \(unloaded.max()!)")
  print("latency_loaded_cycles: \(format(Double(loaded.reduce(0, +)) / Double(loaded.count)))")
} catch {
  fail("\(error)")
}
