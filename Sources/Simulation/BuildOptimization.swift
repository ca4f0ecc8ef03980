/// How hard the C++ compiler works on a model's code: a trade of build time for speed.
///
/// Most models are small or run long, and are built at `-O2`. A large design that a test runs
/// for a short while (a board of several nodes booting once) spends most of its cold time in
/// g++ instead: at `-O0` its model code builds in a fraction of the time and runs slower.
/// Part of the cache key, so one design built both ways is two entries.
public enum BuildOptimization: Sendable, Equatable {
  /// `-O2` for the model code and Verilator's runtime (the default; benchmarks need it).
  case simulationSpeed
  /// `-O0` for the model code; Verilator's runtime stays at `-O2`, so the kept runtime
  /// objects (`VerilatorRuntime`) are the same ones.
  case buildTime

  /// The makefile variables: OPT_FAST for the model's per-cycle code, OPT_GLOBAL for the
  /// runtime (OPT_SLOW, the model's construction code, is left at g++'s default, -O0).
  var makeFlags: String {
    switch self {
    case .simulationSpeed: return "OPT_FAST=-O2 OPT_GLOBAL=-O2"
    case .buildTime: return "OPT_FAST=-O0 OPT_GLOBAL=-O2"
    }
  }
}
