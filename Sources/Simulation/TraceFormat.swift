import Foundation

/// The waveform format a model library writes. Verilator compiles one format into a model
/// (`--trace-fst` or `--trace`), so the format is part of the build and of its cache key.
public enum TraceFormat: String, Sendable, CaseIterable {
  /// Compressed, written by a separate thread; GTKWave's native format. The default.
  case fst
  /// Plain text (IEEE 1364-2005 §18), readable by every viewer and by `Waves` without a converter.
  case vcd

  /// The file name extension waveform readers (GTKWave, `strata waves`) go by.
  public var fileExtension: String { rawValue }

  /// The environment variable choosing the format of models built without an explicit one.
  public static let environmentVariable = "STRATA_TRACE_FORMAT"

  /// STRATA_TRACE_FORMAT (`fst` or `vcd`) when set, else FST.
  public static func fromEnvironment() throws -> TraceFormat {
    guard let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty else { return .fst }
    guard let format = TraceFormat(rawValue: value.lowercased()) else {
      throw SimulationError.invalidSetting(name: environmentVariable, value: value, expected: "fst or vcd")
    }
    return format
  }

  /// The Verilator flags that compile this format's tracing into the model.
  var verilatorFlags: [String] {
    switch self {
    // The FST writer compresses on its own thread, off the simulation's.
    case .fst: return ["--trace-fst", "--trace-threads", "1"]
    case .vcd: return ["--trace"]
    }
  }

  /// The Verilator runtime header and class the shim traces through.
  var verilatorHeader: String { self == .fst ? "verilated_fst_c.h" : "verilated_vcd_c.h" }
  var verilatorClass: String { self == .fst ? "VerilatedFstC" : "VerilatedVcdC" }
  var abiConstant: String { self == .fst ? "STRATA_TRACE_FST" : "STRATA_TRACE_VCD" }
}

/// A part of the design hierarchy to trace, for designs too large to dump whole. The model's
/// top-level ports are always traced besides (tests drive and check them, and failure pictures
/// draw them).
///
/// `path` names an instance below the top module as `Design.instancePaths` does
/// (`"queue0"`, `"switch.ingress0"`), or a full waveform scope from the root
/// (`"TOP.bench_chain.queue0"`, as `strata waves --list` prints it).
public struct TraceScope: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
  public let path: String
  /// Levels to dump, counted as `$dumpvars` counts them: 1 is the scope's own signals, 2 adds
  /// its children's, and so on; nil is every level below it.
  public let depth: Int?

  public init(_ path: String, depth: Int? = nil) {
    precondition(depth.map { $0 >= 1 } ?? true, "a trace scope's depth counts levels from 1 (nil for all)")
    self.path = path
    self.depth = depth
  }

  public init(stringLiteral path: String) { self.init(path) }

  public var description: String { depth.map { "\(path) (\($0) level\($0 == 1 ? "" : "s"))" } ?? path }
}
