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
    .library(name: "PCIe", targets: ["PCIe"]),
    .library(name: "TierModel", targets: ["TierModel"]),
    .library(name: "Cores", targets: ["Cores"]),
    .library(name: "Simulation", targets: ["Simulation"]),
    .library(name: "SimulationTesting", targets: ["SimulationTesting"]),
    .library(name: "Waves", targets: ["Waves"]),
    .library(name: "Flash", targets: ["Flash"]),
    .library(name: "Firmware", targets: ["Firmware"]),
    .library(name: "FirmwareSimulation", targets: ["FirmwareSimulation"]),
    .library(name: "SystemCExport", targets: ["SystemCExport"]),
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
    // PCIe transaction-layer packets as Swift values, shared by firmware, BFMs and reference
    // models. Standard library only (Embedded-Swift-clean).
    .target(name: "PCIe"),
    // The memory-tier controller's reference and transaction-level model, trace generators and
    // the policy evaluator. Standard library only, so firmware can reuse the policy side.
    .target(name: "TierModel"),
    // Hardware written in the DSL: stream cores, register blocks, PCIe switch parts, the tier
    // controller, the board top.
    .target(name: "Cores", dependencies: ["HDL", "Board", "PCIe", "TierModel"]),
    // The C header of the design-independent ABI every Verilated model's shim implements.
    .systemLibrary(name: "CVerilator", path: "Sources/CVerilator"),
    // Verilator models built (cached by content hash), loaded and driven from Swift; BFMs.
    .target(name: "Simulation", dependencies: ["HDL", "CVerilator", "Toolchain"]),
    // XCTest glue: per-test seeds, waveforms kept for failing tests.
    .target(name: "SimulationTesting", dependencies: ["Simulation", "Waves", "HDL"]),
    // SPI NOR flashing through an FTDI cable (MPSSE over libftdi1).
    .systemLibrary(
      name: "CLibFTDI", path: "Sources/CLibFTDI", pkgConfig: "libftdi1",
      providers: [.apt(["libftdi1-dev"])]),
    .target(name: "Flash", dependencies: ["CLibFTDI"]),
    // Waveforms: a streaming VCD reader (FST through fst2vcd), SVG windows, GTKWave save files.
    .target(name: "Waves"),
    // The management firmware: HAL protocol, enumeration, NTB driver, messaging, tier manager.
    // Standard library only (Embedded-Swift-clean): the same sources build the bare-metal image.
    .target(name: "Firmware"),
    // Builds the bare-metal firmware image (firmware/ + the Firmware sources, Embedded Swift,
    // ld.lld) for a board: linker script from its memory map, raw and `STIM` flash images.
    .target(name: "FirmwareBuild", dependencies: ["Board", "Flash"]),
    // A Swift model of PCI configuration spaces (Type 0/1 headers, BAR masks, bridges routing
    // configuration requests by bus range, CRS) and the topology files `strata enumerate` reads.
    .target(name: "PCIModel", dependencies: ["Firmware", .product(name: "Yams", package: "Yams")]),
    .target(name: "RTLTopology", dependencies: ["PCIModel", "Cores", "HDL", "Firmware", "FirmwareSimulation", "Simulation"]),
    // The command line.
    .executableTarget(
      name: "strata",
      dependencies: [
        "HDL", "Toolchain", "Board", "Cores", "Flash", "Waves", "FirmwareBuild", "Firmware", "PCIModel", "SystemCExport", "RTLTopology",
        "FirmwareSimulation", "Simulation", "TierModel", "TierFirmwareSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // An emulated FT2232H + SPI NOR flash that sits below libusb-1.0: linked into the test
    // executable, its libusb_* definitions interpose the real libusb for libftdi1.
    .target(
      name: "FTDIEmulator",
      path: "Tests/Support/FTDIEmulator",
      exclude: ["selftest", "README.md"],
      // The model shifts every SPI bit; optimised even in debug builds so multi-MiB
      // tests stay quick.
      cSettings: [.unsafeFlags(["-O2"])]
    ),

    // Test support: assertions that emitted designs satisfy Verilator, Icarus and Yosys.
    .target(name: "VerilogTesting", dependencies: ["HDL", "Toolchain"], path: "Tests/Support/VerilogTesting"),
    .target(name: "PCIeTesting", dependencies: ["HDL", "PCIe", "Simulation"], path: "Tests/Support/PCIeTesting"),

    .testTarget(name: "HDLTests", dependencies: ["HDL", "Toolchain"]),
    .testTarget(name: "ToolchainTests", dependencies: ["Toolchain", "HDL"]),
    .testTarget(name: "BoardTests", dependencies: ["Board"], resources: [.copy("Malformed")]),
    .testTarget(name: "PCIeTests", dependencies: ["PCIe"]),
    .testTarget(name: "TierModelTests", dependencies: ["TierModel"]),
    .testTarget(name: "CoresTests", dependencies: ["VerilogTesting", "PCIeTesting", "Cores", "HDL", "Toolchain", "Board", "PCIe", "Simulation", "SimulationTesting"]),
    .testTarget(name: "RegisterTests", dependencies: ["Cores", "HDL", "Toolchain"]),
    .testTarget(name: "TierTests", dependencies: ["VerilogTesting", "PCIeTesting", "PCIe", "Cores", "HDL", "Toolchain", "TierModel", "Board", "Simulation", "SimulationTesting"]),
    .testTarget(name: "SimulationTests", dependencies: ["Simulation", "SimulationTesting", "HDL", "Cores"]),
    .testTarget(name: "FlashTests", dependencies: ["Flash", "FTDIEmulator"]),
    .testTarget(name: "FlashCommandTests", dependencies: ["strata", "Flash", "FTDIEmulator"]),
    .testTarget(name: "StrataTests", dependencies: ["strata"]),
    .testTarget(name: "WavesTests", dependencies: ["Waves", "Simulation", "SimulationTesting", "HDL"]),
    .testTarget(name: "FirmwareTests", dependencies: ["Firmware", "PCIModel"]),
    // The firmware against the RTL: SimulatedHAL turns HAL calls into cycle-accurate transactions
    // on a Verilated model's management ports; the memory and root port on a node's PCIe side.
    // The multi-node `World`: N nodes of a board's Verilated top, each with its firmware's HAL and
    // its tier controller's backing stores (DRAM, flash, disk as cycle agents timed from the board file).
    .target(name: "FirmwareSimulation", dependencies: ["Firmware", "Simulation", "PCIe", "HDL", "Board", "Cores", "TierModel"]),
    .testTarget(name: "RTLTopologyTests", dependencies: ["RTLTopology", "PCIModel", "Cores", "Firmware", "FirmwareSimulation", "Simulation", "SimulationTesting", "HDL"]),
    .testTarget(name: "FirmwareSimulationTests",
                dependencies: ["FirmwareSimulation", "Firmware", "Simulation", "SimulationTesting", "Cores", "HDL", "PCIe", "Board", "Toolchain",
                               "TierModel"]),
    .testTarget(name: "FirmwareBuildTests", dependencies: ["FirmwareBuild", "Board", "Flash"]),

    // The board as a SystemC/TLM-2.0 module: a folder with the Verilog, the wrapper, a sample
    // sc_main and a Makefile (verilator --sc, libsystemc); its build cached by content hash.
    .target(name: "SystemCExport", dependencies: ["HDL", "Toolchain", "Simulation", "Cores", "Board", "PCIe"]),
    .testTarget(name: "SystemCExportTests",
                dependencies: ["SystemCExport", "Cores", "HDL", "Board", "PCIe", "Simulation", "SimulationTesting"]),

    // Benchmarks, not tests: each is built in release mode by its script in scripts/bench/.
    .executableTarget(name: "ElaborateBench", dependencies: ["Cores", "HDL"], path: "Benchmarks/ElaborateBench"),
    .executableTarget(name: "FlashBench", dependencies: ["Flash", "FTDIEmulator"], path: "Benchmarks/FlashBench"),
    .executableTarget(name: "SimulationBench", dependencies: ["Simulation", "Cores", "HDL", "Toolchain"],
                      path: "Benchmarks/SimulationBench"),
    .executableTarget(name: "strata-bench-tier", dependencies: ["TierModel", "Cores", "HDL", "Toolchain", "Board"],
                      path: "Benchmarks/TierBench"),
    // scripts/bench/waves: the whole-file baseline that streaming `strata waves` is measured against.
    .executableTarget(name: "WavesBench", dependencies: ["Waves"], path: "Benchmarks/WavesBench"),
    // scripts/bench/switch: the NTB doorbell round trip (doorbell_rtt_cycles).
    .executableTarget(name: "strata-bench-ntb", dependencies: ["Simulation", "Cores", "HDL", "PCIe"], path: "Benchmarks/NTBBench"),

    // The firmware's tier manager against the transaction-level model: a HAL over TierController.
    .target(name: "TierFirmwareSupport", dependencies: ["Firmware", "TierModel"], path: "Tests/Support/TierFirmwareSupport"),
    .testTarget(name: "TierManagerTests", dependencies: ["Firmware", "TierModel", "TierFirmwareSupport", "Cores"]),
    // scripts/bench/cluster (policy part): the tier policy and the LRU baseline against the static bound.
    .executableTarget(name: "strata-bench-cluster-policy", dependencies: ["Firmware", "TierModel", "TierFirmwareSupport"],
                      path: "Benchmarks/ClusterPolicyBench"),
    // scripts/bench/switch: saturation and latency of the full PCIe switch under Verilator.
    .executableTarget(name: "SwitchBench", dependencies: ["Cores", "HDL", "PCIe", "Simulation"], path: "Benchmarks/SwitchBench"),
    // scripts/bench/ntb-firmware: the NTB driver's ping-pong and NTBTransport through SimulatedHAL.
    .executableTarget(name: "strata-bench-ntb-firmware", dependencies: ["FirmwareSimulation", "Firmware", "Simulation", "Cores", "HDL"],
                      path: "Benchmarks/NTBFirmwareBench"),

    // The node's tier controller under its firmware, with its backing stores (FirmwareSimulation's
    // BackingStoreAgent) on its store ports.
    .testTarget(name: "TierNodeTests",
                dependencies: ["FirmwareSimulation", "Firmware", "Simulation", "SimulationTesting", "Cores", "HDL", "PCIe",
                               "Board", "TierModel", "TierFirmwareSupport"]),
    // scripts/bench/cluster (RTL part): doorbell round trip, remote read and window writes on a two-node devkit board top.
    .executableTarget(name: "strata-bench-cluster", dependencies: ["Board", "Cores", "HDL", "PCIe", "Simulation", "Firmware", "FirmwareSimulation"],
                      path: "Benchmarks/ClusterBench"),
  ],
  swiftLanguageModes: [.v5]
)
