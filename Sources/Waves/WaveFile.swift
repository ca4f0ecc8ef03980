/// A waveform file (VCD, or FST through `fst2vcd`) opened for questions about it. Each question
/// streams the file once and keeps only what its answer needs.
public struct WaveFile: Sendable {
  public let path: String
  public let header: WaveHeader

  /// Reads the header of `path`.
  public init(path: String) throws {
    self.path = path
    let reader = try VCDReader(path: path)
    header = reader.header
    reader.close()
  }

  /// `names` resolved to variables (see `WaveHeader.variable(named:)`).
  public func variables(named names: [String]) throws -> [WaveVariable] {
    try names.map { try header.variable(named: $0) }
  }

  /// The last timestamp in the file.
  public func lastTime() throws -> UInt64 { try VCDReader.lastTime(path: path) }

  /// `variables` from `from` to `to` inclusive. Reading stops at the first timestamp after `to`;
  /// before `from` only each signal's latest value is kept.
  public func window(_ variables: [WaveVariable], from: UInt64, to: UInt64, clock: WaveClock? = nil) throws -> WaveWindow {
    guard to > from else { throw WaveError.emptyWindow(from: from, to: to) }
    let reader = try VCDReader(path: path)
    defer { reader.close() }
    var latest = [WaveValue?](repeating: nil, count: variables.count)
    var changes = [[WaveTrace.Change]](repeating: [], count: variables.count)
    var opened = false
    var initial = latest
    try reader.scan(variables, onTime: { time in
      if time > to { return false }
      if time > from && !opened { opened = true; initial = latest }
      return true
    }, body: { change in
      if opened { changes[change.index].append(.init(time: change.time, value: change.value)) }
      latest[change.index] = change.value
      return true
    })
    if !opened { initial = latest }
    // Variables that share a code with an earlier one were reported under its index.
    var traces: [WaveTrace] = []
    for (index, variable) in variables.enumerated() {
      let source = variables.firstIndex { $0.code == variable.code } ?? index
      traces.append(WaveTrace(variable: variable, initial: initial[source], changes: changes[source]))
    }
    return WaveWindow(timescale: header.timescale, from: from, to: to, traces: traces, clock: clock)
  }

  /// The clock: `name` when given, else the first 1-bit signal called `clk`, `clock`, `clk_i` or
  /// `aclk` nearest the top. Its period is measured between its first rising edges; reading stops there.
  public func clock(named name: String? = nil) throws -> WaveClock {
    let variable: WaveVariable
    if let name {
      variable = try header.variable(named: name)
    } else {
      let names: Set<String> = ["clk", "clock", "clk_i", "aclk", "CLK"]
      guard let found = header.variables.filter({ $0.width == 1 && names.contains($0.name) })
        .min(by: { $0.scope.count < $1.scope.count }) else {
        throw WaveError.noClock("no clock found (no 1-bit signal named clk, clock, clk_i or aclk); name one with --clock or give --from and --to in time units")
      }
      variable = found
    }
    guard variable.width == 1 else { throw WaveError.noClock("clock '\(variable.path)' is \(variable.width) bits wide; a clock is 1 bit") }
    let reader = try VCDReader(path: path)
    defer { reader.close() }
    var previous: WaveValue?
    var rises: [UInt64] = []
    let one = WaveValue("1")
    try reader.scan([variable]) { change in
      if change.value == one && previous != one { rises.append(change.time) }
      previous = change.value
      return rises.count < 3
    }
    guard rises.count >= 2 else {
      throw WaveError.noClock("clock '\(variable.path)' rises \(rises.count) time(s) in the file; a period needs two rising edges")
    }
    // Rising edges at time 0 are the initial value settling; measure from the next two if there are.
    let edges = rises.first == 0 && rises.count == 3 ? Array(rises.dropFirst()) : rises
    return WaveClock(variable: variable, firstRise: edges[0], period: edges[1] - edges[0])
  }
}

extension WaveFile {
  /// Names for the values of state registers, found the way Strata emits state machines: a
  /// register `slot` whose scope holds parameters `SLOT_EMPTY = 0`, `SLOT_HOLDING = 1`, ... (the
  /// localparams of `m.fsm`, which Verilator traces) reads `empty`, `holding`. Reads the file
  /// up to its first timestamp after 0, where parameters get their values.
  public func stateNames(for variables: [WaveVariable]) throws -> [String: [UInt64: String]] {
    var parameters: [(register: WaveVariable, state: String, parameter: WaveVariable)] = []
    let all = header.variables
    for register in variables {
      let prefix = register.name.uppercased() + "_"
      for candidate in all where candidate.kind == "parameter" && candidate.scope == register.scope
        && candidate.name.hasPrefix(prefix) && candidate.name.count > prefix.count {
        parameters.append((register, String(candidate.name.dropFirst(prefix.count)).lowercased(), candidate))
      }
    }
    guard !parameters.isEmpty else { return [:] }
    let values = try window(parameters.map(\.parameter), from: 0, to: 1)
    var names: [String: [UInt64: String]] = [:]
    for (index, entry) in parameters.enumerated() {
      guard let value = values.traces[index].value(at: 0)?.unsignedValue else { continue }
      names[entry.register.path, default: [:]][value] = entry.state
    }
    return names
  }
}
