import ArgumentParser
import Foundation
import Waves

struct WavesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "waves",
    abstract: "List, draw (SVG) or open (GTKWave save file) a VCD or FST waveform.",
    discussion: """
      Large files are streamed: only the chosen signals' values are kept, and reading stops at
      the end of the window. FST files are read through GTKWave's fst2vcd.

      Times are \(WaveTimeSpec.syntax).

      Examples:
        strata waves artifacts/waves/FIFOTests.testOverflow.fst --list
        strata waves run.vcd --scope tb.dut --around 1200c --svg failure.svg
        strata waves run.vcd --signals clk,enq_valid,enq_data --from 100c --to 160c --svg window.svg --gtkw window.gtkw
        strata waves big.vcd --signals top.clk,top.state --states top.state=idle,load,run --from end-100c --svg end.svg
      """)

  @Argument(help: "The waveform: a .vcd or .fst file.")
  var file: String

  @Flag(help: "Print the scopes and signals and stop.")
  var list = false

  @Option(help: "Signals to draw, comma separated: full dotted paths or unambiguous ends of them.")
  var signals: String?

  @Option(help: "Draw every signal under this scope (a dotted path, see --list).")
  var scope: String?

  @Option(help: "Window start.")
  var from: String?

  @Option(help: "Window end.")
  var to: String?

  @Option(help: "Centre of the window, marked; the window is --before cycles before it and --after after.")
  var around: String?

  @Option(help: "Cycles before --around.")
  var before: Int = 40

  @Option(help: "Cycles after --around.")
  var after: Int = 10

  @Option(help: "The clock whose cycles the axis counts (found by name when omitted).")
  var clock: String?

  @Option(help: ArgumentHelp("Names for a signal's values, as for a state machine: SIGNAL=NAME0,NAME1,... (value i is NAME i). Repeatable. Strata's state registers are named from their localparams without it.",
                             valueName: "signal=names"))
  var states: [String] = []

  @Option(help: "A time to mark (defaults to --around).")
  var marker: String?

  @Option(help: "Write the window as an SVG picture here.")
  var svg: String?

  @Option(help: "Write a GTKWave save file here that opens the file on these signals.")
  var gtkw: String?

  func validate() throws {
    if signals != nil && scope != nil { throw ValidationError("give --signals or --scope, not both") }
    if around != nil && (from != nil || to != nil) { throw ValidationError("give --around or --from/--to, not both") }
    if !list && svg == nil && gtkw == nil { throw ValidationError("nothing to do: give --list, --svg OUT or --gtkw OUT") }
    if before < 0 || after < 0 { throw ValidationError("--before and --after count cycles and cannot be negative") }
    for entry in states where entry.split(separator: "=").count != 2 {
      throw ValidationError("--states \(entry): expected SIGNAL=NAME0,NAME1,... (for example top.state=idle,run,done)")
    }
    for (name, value) in [("--from", from), ("--to", to), ("--around", around), ("--marker", marker)] {
      if let value, WaveTimeSpec(value) == nil {
        throw ValidationError("\(name) \(value): expected \(WaveTimeSpec.syntax)")
      }
    }
  }

  func run() throws {
    do {
      try perform()
    } catch let error as WaveError {
      throw CommandFailure(error.description)
    }
  }

  private func perform() throws {
    let wave = try WaveFile(path: file)
    if list {
      print(wave.header.listing())
      if svg == nil && gtkw == nil { return }
    }
    var request = WaveRequest()
    request.signals = signals.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
    request.scope = scope
    request.from = from.flatMap(WaveTimeSpec.init)
    request.to = to.flatMap(WaveTimeSpec.init)
    request.around = around.flatMap(WaveTimeSpec.init)
    request.cyclesBefore = before
    request.cyclesAfter = after
    request.clock = clock
    let (window, around) = try request.read(from: wave)
    var mark = around
    if let marker, let spec = WaveTimeSpec(marker) {
      mark = try spec.resolve(clock: { try window.clock ?? wave.clock(named: clock) }, end: { try wave.lastTime() })
    }
    // State registers of Strata's state machines are named from their localparams, unless --states says otherwise.
    var valueNames = try wave.stateNames(for: window.traces.map(\.variable))
    for entry in states {
      let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
      let variable = try wave.header.variable(named: parts[0])
      let names = parts[1].split(separator: ",").map(String.init)
      valueNames[variable.path] = Dictionary(uniqueKeysWithValues: names.enumerated().map { (UInt64($0.offset), $0.element) })
    }
    if let svg {
      let options = WaveRenderOptions(marker: mark, valueNames: valueNames, title: "\(URL(fileURLWithPath: file).lastPathComponent)  \(window.from)..\(window.to) \(window.timescale)")
      try write(SVGRenderer.render(window, options: options), to: svg)
      print("wrote \(svg) (\(window.traces.count) signals, \(window.from)..\(window.to) \(window.timescale))")
    }
    if let gtkw {
      let groupName = scope ?? (signals == nil ? "" : "signals")
      let save = GTKWaveSaveFile(dumpFile: URL(fileURLWithPath: file).standardizedFileURL.path,
                                 groups: [.init(name: groupName, signals: window.traces.map(\.variable))],
                                 timescale: window.timescale, marker: mark, from: window.from, to: window.to)
      try write(save.text, to: gtkw)
      print("wrote \(gtkw): open with gtkwave \(gtkw)")
    }
  }

  private func write(_ text: String, to path: String) throws {
    do {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      throw CommandFailure("cannot write \(path): \(error.localizedDescription)")
    }
  }
}
