/// What to draw from a waveform file: which signals and which window, as `strata waves` and the
/// failing-test artefacts ask for them. `resolve(in:)` turns it into a window read from the file.
public struct WaveRequest: Sendable {
  /// Signal names (see `WaveHeader.variable(named:)`); empty means every signal of `scope`, or of the file.
  public var signals: [String] = []
  /// A dotted scope path whose signals (and those below it) are drawn.
  public var scope: String?
  public var from: WaveTimeSpec?
  public var to: WaveTimeSpec?
  /// A time to centre on and mark; the window is `cyclesBefore` cycles before it to `cyclesAfter` after.
  public var around: WaveTimeSpec?
  public var cyclesBefore = 40
  public var cyclesAfter = 10
  /// The clock's name; found by name (clk, clock, ...) when nil.
  public var clock: String?
  /// The most signals drawn when none are named.
  public static let defaultSignalLimit = 200

  public init() {}

  /// The variables this request names, in the order given.
  public func variables(in file: WaveFile) throws -> [WaveVariable] {
    if !signals.isEmpty { return try file.variables(named: signals) }
    let all = try scope.map { try file.header.variables(inScope: $0) } ?? file.header.variables
    let drawable = all.filter { !$0.isReal }
    guard drawable.count <= WaveRequest.defaultSignalLimit else {
      throw WaveError.tooManySignals(drawable.count, limit: WaveRequest.defaultSignalLimit)
    }
    return drawable
  }

  /// Reads the requested window; the marker is `around` when given.
  public func read(from file: WaveFile) throws -> (window: WaveWindow, marker: UInt64?) {
    let variables = try variables(in: file)
    var cachedClock: WaveClock?
    var clockError: Error?
    func clock() throws -> WaveClock {
      if let cachedClock { return cachedClock }
      if let clockError { throw clockError }
      do { cachedClock = try file.clock(named: self.clock) } catch { clockError = error; throw error }
      return cachedClock!
    }
    var cachedEnd: UInt64?
    func end() throws -> UInt64 {
      if let cachedEnd { return cachedEnd }
      cachedEnd = try file.lastTime()
      return cachedEnd!
    }
    var start: UInt64
    var stop: UInt64
    var marker: UInt64?
    if let around {
      let centre = try around.resolve(clock: clock, end: end)
      let period = try clock().period
      start = centre > UInt64(cyclesBefore) * period ? centre - UInt64(cyclesBefore) * period : 0
      stop = centre + UInt64(cyclesAfter) * period
      marker = centre
    } else {
      start = try from?.resolve(clock: clock, end: end) ?? 0
      stop = try to?.resolve(clock: clock, end: end) ?? end()
    }
    if stop <= start { throw WaveError.emptyWindow(from: start, to: stop) }
    // A window named in cycles, or any file with a recognisable clock, gets a cycle axis.
    let axisClock = try? clock()
    let window = try file.window(variables, from: start, to: stop, clock: axisClock)
    return (window, marker)
  }
}
