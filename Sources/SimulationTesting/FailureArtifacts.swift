import Foundation
import HDL
import Waves

/// What a failing test leaves beside its waveform (`artifacts/waves/<Test>.fst`):
/// `<Test>.gtkw`, a GTKWave save file that opens the waveform on the watched signals, grouped,
/// with the marker at the failure; `<Test>.svg`, those signals over a window around the failure
/// (buses in hex, state machines by state name); `<Test>.log`, the failure messages.
struct FailureArtifacts {
  /// Named groups of port-name prefixes (`enq` stands for `enq_valid`, `enq_ready`, `enq_data`, ...).
  var groups: [(name: String, prefixes: [String])]
  var stateMachines: [StateMachineDescription]
  var cyclesBefore = 40
  var cyclesAfter = 10

  /// Writes the three files next to `wave`; returns their paths.
  func write(wave: String, failureTime: UInt64, title: String, log: String) throws -> [String] {
    let base = URL(fileURLWithPath: wave).deletingPathExtension()
    let logPath = base.appendingPathExtension("log").path
    try log.write(toFile: logPath, atomically: true, encoding: .utf8)
    let file = try WaveFile(path: wave)
    let last = try file.lastTime()
    let clock = try file.clock()
    let marker = min(failureTime, last)
    let from = marker > UInt64(cyclesBefore) * clock.period ? marker - UInt64(cyclesBefore) * clock.period : 0
    // One unit past the end shows the values the failing check saw (held until the next edge).
    let to = max(min(marker + UInt64(cyclesAfter) * clock.period, last + 1), from + 1)

    let chosen = signalGroups(in: file.header)
    var valueNames: [String: [UInt64: String]] = [:]
    for (_, variables) in chosen {
      for variable in variables {
        if let machine = stateMachines.first(where: { $0.register == variable.name }) {
          valueNames[variable.path] = Dictionary(uniqueKeysWithValues: machine.states.enumerated().map { (UInt64($0.offset), $0.element) })
        }
      }
    }
    let window = try file.window(chosen.flatMap(\.variables), from: from, to: to, clock: clock)
    let svg = SVGRenderer.render(window, options: WaveRenderOptions(marker: marker, valueNames: valueNames, title: title))
    let svgPath = base.appendingPathExtension("svg").path
    try svg.write(toFile: svgPath, atomically: true, encoding: .utf8)

    // The dump is named without a folder: it sits beside the save file (`gtkwave X.fst X.gtkw` works from anywhere).
    let save = GTKWaveSaveFile(dumpFile: URL(fileURLWithPath: wave).lastPathComponent,
                               groups: chosen.map { GTKWaveSaveFile.Group(name: $0.name, signals: $0.variables) },
                               timescale: file.header.timescale, marker: marker, from: from, to: to)
    let gtkwPath = base.appendingPathExtension("gtkw").path
    try save.text.write(toFile: gtkwPath, atomically: true, encoding: .utf8)
    return [svgPath, gtkwPath, logPath]
  }

  /// The watched groups resolved to variables at the top of the hierarchy (the model's ports),
  /// then the state registers; without watched groups, every port grouped by its prefix.
  func signalGroups(in header: WaveHeader) -> [(name: String, variables: [WaveVariable])] {
    let all = header.variables
    guard let portDepth = all.map(\.scope.count).min() else { return [] }
    let ports = all.filter { $0.scope.count == portDepth }
    var result: [(name: String, variables: [WaveVariable])] = []
    let clocking = ports.filter { ["clk", "rst", "rst_n", "clock", "reset"].contains($0.name) }
    if !clocking.isEmpty { result.append(("clock and reset", clocking)) }
    if groups.isEmpty {
      var byPrefix: [(name: String, variables: [WaveVariable])] = []
      for port in ports where !clocking.contains(port) {
        let prefix = port.name.split(separator: "_").first.map(String.init) ?? port.name
        if let index = byPrefix.firstIndex(where: { $0.name == prefix }) {
          byPrefix[index].variables.append(port)
        } else {
          byPrefix.append((prefix, [port]))
        }
      }
      result += byPrefix
    } else {
      for group in groups {
        let members = ports.filter { port in group.prefixes.contains { port.name == $0 || port.name.hasPrefix($0 + "_") } }
        if !members.isEmpty { result.append((group.name, members)) }
      }
    }
    let states = stateMachines.compactMap { machine in
      all.filter { $0.name == machine.register && $0.width == bitsToIndex(machine.states.count) }
        .min { $0.scope.count < $1.scope.count }
    }
    if !states.isEmpty { result.append(("state machines", states)) }
    return result
  }
}
