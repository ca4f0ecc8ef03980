import Simulation

/// What a test asks of its model's waveform (`model(design, trace: ...)`). Every model made by a
/// `SimulationTestCase` is traced unless STRATA_TRACE=0; this says whether a passing test keeps
/// the file, in which format, and which scopes it holds.
///
/// ```swift
/// let model = try self.model(design)                                  // FST, kept only on failure
/// let model = try self.model(design, trace: true)                     // FST, always kept
/// let model = try self.model(design, trace: .vcd)                     // VCD, always kept
/// let model = try self.model(design, trace: .scopes("switch.ingress0")) // that instance and the ports
/// ```
public struct Tracing: ExpressibleByBooleanLiteral, Sendable {
  /// Keep the waveform when the test passes (a failing test always keeps it).
  public var keep: Bool
  /// nil: STRATA_TRACE_FORMAT, else FST.
  public var format: TraceFormat?
  /// Empty: the whole design.
  public var scopes: [TraceScope]

  public init(keep: Bool = true, format: TraceFormat? = nil, scopes: [TraceScope] = []) {
    self.keep = keep
    self.format = format
    self.scopes = scopes
  }

  /// `true`: keep the waveform; `false`: keep it only when the test fails.
  public init(booleanLiteral keep: Bool) { self.init(keep: keep) }

  /// Keep an FST waveform.
  public static var fst: Tracing { Tracing(format: .fst) }
  /// Keep a VCD waveform.
  public static var vcd: Tracing { Tracing(format: .vcd) }
  /// Keep a waveform of these scopes only (and the top-level ports).
  public static func scopes(_ scopes: TraceScope...) -> Tracing { Tracing(scopes: scopes) }
}
