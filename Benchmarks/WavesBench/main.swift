import Foundation
import Waves

// scripts/bench/waves: the baseline that `strata waves` (streaming) is measured against. It reads
// the whole VCD into memory, keeps every value change of the given signals, then draws the last
// `cycles` cycles from that history, as a reader that loads a file whole would.
//   WavesBench FILE.vcd SIGNAL,SIGNAL,... CYCLES OUT.svg
let arguments = CommandLine.arguments
guard arguments.count == 5, let cycles = UInt64(arguments[3]) else {
  FileHandle.standardError.write(Data("usage: WavesBench FILE.vcd SIGNAL,SIGNAL,... CYCLES OUT.svg\n".utf8))
  exit(2)
}
do {
  let reader = try VCDReader(wholeFile: arguments[1])
  let names = arguments[2].split(separator: ",").map(String.init)
  let variables = try names.map { try reader.header.variable(named: $0) }
  var history = [[WaveTrace.Change]](repeating: [], count: variables.count)
  var last: UInt64 = 0
  try reader.scan(variables, onTime: { last = $0; return true }) { change in
    history[change.index].append(.init(time: change.time, value: change.value))
    return true
  }
  let clockIndex = variables.firstIndex { $0.name == "clk" }!
  let rises = history[clockIndex].filter { $0.value.description == "1" }.prefix(2).map(\.time)
  let clock = WaveClock(variable: variables[clockIndex], firstRise: rises[0], period: rises[1] - rises[0])
  let from = last - cycles * clock.period
  let traces = variables.indices.map { index in
    WaveTrace(variable: variables[index], initial: history[index].last { $0.time <= from }?.value,
              changes: history[index].filter { $0.time > from })
  }
  let window = WaveWindow(timescale: reader.header.timescale, from: from, to: last, traces: traces, clock: clock)
  try SVGRenderer.render(window).write(toFile: arguments[4], atomically: true, encoding: .utf8)
  print("changes kept: \(history.map(\.count).reduce(0, +))")
} catch {
  FileHandle.standardError.write(Data("WavesBench: \(error)\n".utf8))
  exit(1)
}
