/// Everything that can go wrong between a design and a running model, each naming the thing,
/// the place and the fix.
public enum SimulationError: Error, CustomStringConvertible, Equatable {
  /// Verilator is not on PATH.
  case verilatorMissing
  /// Verilator refused the Verilog; each message is `file:line:column: text` (with the Swift
  /// line that generated the Verilog when the emitter recorded one).
  case verilatorRejected(top: String, messages: [String])
  /// Verilator accepted the Verilog but building the library failed (the C++ compiler or linker).
  case buildFailed(top: String, log: String)
  /// The built library could not be loaded or is not a Strata model.
  case loadFailed(path: String, reason: String)
  /// No port of that name (and direction); `nearest` are the closest names the model has.
  case unknownPort(name: String, direction: ModelPort.Direction?, top: String, nearest: [String])
  /// A value that does not fit the port.
  case valueTooWide(port: String, width: Int, value: String)
  /// A clock or reset helper was used on a model without that input.
  case missingControl(role: String, name: String, top: String)
  /// The waveform file could not be opened.
  case traceFailed(path: String)
  /// The cache folder could not be used.
  case cacheUnusable(path: String, reason: String)
  /// A bus transaction was not answered in time.
  case noResponse(transaction: String, cycles: Int, cycle: Int)
  /// A port wider than a bus functional model carries; `alternative` is the one that carries it.
  case portTooWideForBFM(port: String, width: Int, bfm: String, alternative: String)
  /// An environment setting (such as STRATA_TRACE_FORMAT) with a value it cannot take.
  case invalidSetting(name: String, value: String, expected: String)
  /// A trace scope that is not an instance of the design; `nearest` are the closest instance paths.
  case unknownTraceScope(scope: String, top: String, nearest: [String])
  /// A waveform file whose extension is not the format the model library writes.
  case traceFormatMismatch(path: String, format: TraceFormat)

  public var description: String {
    switch self {
    case .verilatorMissing:
      return "verilator is not installed (or not on PATH): run `scripts/setup`, which installs Debian's verilator 5.006"
    case .verilatorRejected(let top, let messages):
      return "Verilator rejected the Verilog of `\(top)`:\n" + messages.map { "  " + $0 }.joined(separator: "\n")
    case .buildFailed(let top, let log):
      return "building the Verilator model of `\(top)` failed; the compiler said:\n\(log)"
    case .loadFailed(let path, let reason):
      return "cannot load the model library \(path): \(reason); delete it (or the whole STRATA_CACHE folder) to rebuild"
    case .unknownPort(let name, let direction, let top, let nearest):
      let kind = direction.map { "an \($0.rawValue)" } ?? "a port"
      let hint = nearest.isEmpty ? "it has no such ports" : "nearest names: " + nearest.map { "`\($0)`" }.joined(separator: ", ")
      return "`\(name)` is not \(kind) of `\(top)`; \(hint)"
    case .valueTooWide(let port, let width, let value):
      return "the value \(value) does not fit the \(width)-bit port `\(port)`; truncate it (`resized(to: \(width))`) "
        + "or widen the port"
    case .missingControl(let role, let name, let top):
      return "`\(top)` has no \(role) input named `\(name)`; pass the right name as `\(role):` when creating the model"
    case .traceFailed(let path):
      return "cannot write the waveform \(path): check that its folder is writable"
    case .cacheUnusable(let path, let reason):
      return "cannot use the model cache \(path): \(reason); set STRATA_CACHE to a writable folder"
    case .noResponse(let transaction, let cycles, let cycle):
      return "\(transaction) got no ready within \(cycles) cycles (gave up at cycle \(cycle)); "
        + "check that the block answers every access, or raise `timeout`"
    case .portTooWideForBFM(let port, let width, let bfm, let alternative):
      return "`\(port)` has \(width) bits and \(bfm) carries words of up to 64 (as UInt64); use \(alternative), which carries BitVector words of any width"
    case .invalidSetting(let name, let value, let expected):
      return "\(name)=\(value) is not a setting Strata knows; expected \(expected) (or leave it unset)"
    case .unknownTraceScope(let scope, let top, let nearest):
      let hint = nearest.isEmpty ? "it has no instances, so only its ports can be traced"
        : "nearest instance paths: " + nearest.map { "`\($0)`" }.joined(separator: ", ")
      return "trace scope `\(scope)` is not an instance of `\(top)`; \(hint)"
    case .traceFormatMismatch(let path, let format):
      return "cannot trace to \(path): this model was built to write \(format.rawValue.uppercased()); name the file "
        + "`.\(format.fileExtension)`, or build the model for the other format (`traceFormat: .\(format == .fst ? "vcd" : "fst")`; "
        + "`trace: .\(format == .fst ? "vcd" : "fst")` in a SimulationTestCase)"
    }
  }
}
