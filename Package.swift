// swift-tools-version:6.0
// Strata: a Swift toolkit that describes, simulates and programs a board of SoC nodes
// that form a cluster over PCIe alone. The target layout follows docs/architecture.md.
import PackageDescription

let package = Package(
  name: "Strata",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "strata", targets: ["strata"]),
    .library(name: "HDL", targets: ["HDL"]),
    .library(name: "Board", targets: ["Board"]),
    .library(name: "Cores", targets: ["Cores"]),
    .library(name: "Simulation", targets: ["Simulation"]),
    .library(name: "SimulationTesting", targets: ["SimulationTesting"]),
    .library(name: "Waves", targets: ["Waves"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
  ],
  targets: [
    // The DSL, its elaboration checks and the Verilog emitter. Standard library only.
    .target(name: "HDL"),
    // Runs the external Verilog tools (Verilator lint, Icarus, Yosys) on emitted designs.
    .target(name: "Toolchain", dependencies: ["HDL"]),
    // Board descriptions (boards/*.yaml): parsed, validated, typed.
    .target(name: "Board", dependencies: [.product(name: "Yams", package: "Yams")]),
    // Hardware written in the DSL: stream cores, register blocks, the board top.
    .target(name: "Cores", dependencies: ["HDL", "Board"]),
    // Waveforms: a streaming VCD reader (FST through fst2vcd), SVG windows, GTKWave save files.
    .target(name: "Waves"),
    // The command line.
    .executableTarget(
      name: "strata",
      dependencies: [
        "HDL", "Toolchain", "Board", "Cores", "Waves",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // The C header of the design-independent ABI every Verilated model's shim implements.
    .systemLibrary(name: "CVerilator", path: "Sources/CVerilator"),
    // Verilator models built (cached by content hash), loaded and driven from Swift; BFMs.
    .target(name: "Simulation", dependencies: ["HDL", "CVerilator", "Toolchain"]),
    // XCTest glue: per-test seeds, waveforms kept for failing tests.
    .target(name: "SimulationTesting", dependencies: ["Simulation", "Waves", "HDL"]),
    // scripts/bench/sim: the Swift BFMs against a native Verilator bench and cocotb on one design.
    // scripts/bench/waves: the whole-file baseline that streaming `strata waves` is measured against.
    .executableTarget(name: "strata-bench-waves", dependencies: ["Waves"], path: "Sources/WavesBenchmark"),
    .executableTarget(name: "strata-bench-sim", dependencies: ["Simulation", "Cores", "HDL", "Toolchain"],
                      path: "Sources/SimulationBenchmark"),

    .testTarget(name: "HDLTests", dependencies: ["HDL", "Toolchain"]),
    .testTarget(name: "ToolchainTests", dependencies: ["Toolchain", "HDL"]),
    .testTarget(name: "SimulationTests", dependencies: ["Simulation", "SimulationTesting", "HDL", "Cores"]),
    .testTarget(name: "BoardTests", dependencies: ["Board"], resources: [.copy("Malformed")]),
    .testTarget(name: "CoresTests", dependencies: ["Cores", "HDL", "Toolchain", "Board"]),
    .testTarget(name: "RegisterTests", dependencies: ["Cores", "HDL", "Toolchain"]),
    .testTarget(name: "WavesTests", dependencies: ["Waves", "Simulation", "SimulationTesting", "HDL"]),
  ],
  swiftLanguageModes: [.v5]
)
