/// How the tests build exported folders: unoptimised. The samples run a few thousand cycles, so
/// what an -Os build saves in running is far less than what it costs to compile (see
/// BENCHMARKS.md, "SystemC export"); users' builds keep Verilator's default.
enum SystemCTestBuild {
  static let makeVariables = ["OPT_FAST=-O0", "OPT_GLOBAL=-O0"]
}
