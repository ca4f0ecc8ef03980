/// One signal over a time window: its value when the window opens and every change inside it.
public struct WaveTrace: Sendable {
  public struct Change: Hashable, Sendable {
    public let time: UInt64
    public let value: WaveValue
    public init(time: UInt64, value: WaveValue) {
      self.time = time
      self.value = value
    }
  }

  public let variable: WaveVariable
  /// The value at the window's start (nil when the file never gave one before then).
  public var initial: WaveValue?
  /// Changes after the start, up to and including the window's end, in time order.
  public var changes: [Change]

  public init(variable: WaveVariable, initial: WaveValue?, changes: [Change]) {
    self.variable = variable
    self.initial = initial
    self.changes = changes
  }

  /// The value at `time` (inside the window).
  public func value(at time: UInt64) -> WaveValue? {
    var current = initial
    for change in changes {
      if change.time > time { break }
      current = change.value
    }
    return current
  }

  /// Runs of one value: from, to (exclusive), value; the first from is `from`, the last to is `to`.
  public func segments(from: UInt64, to: UInt64) -> [(from: UInt64, to: UInt64, value: WaveValue?)] {
    var result: [(from: UInt64, to: UInt64, value: WaveValue?)] = []
    var start = from
    var current = initial
    for change in changes where change.time > from && change.time <= to {
      if change.value == current { continue }
      if change.time > start { result.append((start, change.time, current)) }
      start = change.time
      current = change.value
    }
    if to > start || result.isEmpty { result.append((start, to, current)) }
    return result
  }
}

/// The clock a waveform is measured in: rising edges at `firstRise + k * period`.
public struct WaveClock: Hashable, Sendable {
  public let variable: WaveVariable
  public let firstRise: UInt64
  public let period: UInt64

  public init(variable: WaveVariable, firstRise: UInt64, period: UInt64) {
    self.variable = variable
    self.firstRise = firstRise
    self.period = period
  }

  /// The cycle `time` belongs to: cycle k runs up to and including rising edge k (inputs settle,
  /// then the edge samples them), as a simulation loop counts. Edge 0 is the first rising edge.
  public func cycle(at time: UInt64) -> Int {
    time >= firstRise ? Int((time - firstRise + period - 1) / period) : -Int((firstRise - time) / period)
  }

  /// The time of cycle `cycle`'s rising edge, clamped at 0.
  public func time(ofCycle cycle: Int) -> UInt64 {
    let offset = Int64(firstRise) + Int64(cycle) * Int64(period)
    return offset < 0 ? 0 : UInt64(offset)
  }
}

/// Several signals over one time window, as read from a waveform file.
public struct WaveWindow: Sendable {
  public let timescale: Timescale
  public let from: UInt64
  public let to: UInt64
  public var traces: [WaveTrace]
  public var clock: WaveClock?

  public init(timescale: Timescale, from: UInt64, to: UInt64, traces: [WaveTrace], clock: WaveClock? = nil) {
    self.timescale = timescale
    self.from = from
    self.to = to
    self.traces = traces
    self.clock = clock
  }

  /// The trace of the signal whose path (or GTKWave name, or last path component) is `name`.
  public func trace(_ name: String) -> WaveTrace? {
    traces.first { $0.variable.path == name || $0.variable.gtkwaveName == name }
      ?? traces.first { $0.variable.path.hasSuffix("." + name) }
  }
}
