// swift-tools-version:6.0
// Strata: a Swift toolkit that describes, simulates and programs a board of SoC nodes
// that form a cluster over PCIe alone. The target layout follows docs/architecture.md.
import PackageDescription

let package = Package(
  name: "Strata",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "Board", targets: ["Board"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
  ],
  targets: [
    // Targets are added per part, see docs/architecture.md.
    .systemLibrary(
      name: "CLibFTDI", path: "Sources/CLibFTDI", pkgConfig: "libftdi1",
      providers: [.apt(["libftdi1-dev"])]),
    .target(name: "Flash", dependencies: ["CLibFTDI"]),

    // An emulated FT2232H + SPI NOR flash that sits below libusb-1.0: linked into a test
    // executable, its libusb_* definitions interpose the real libusb for libftdi1.
    .target(
      name: "FTDIEmulator",
      path: "Tests/Support/FTDIEmulator",
      exclude: ["selftest", "README.md"],
      // The model shifts every SPI bit; optimised even in debug builds so multi-MiB
      // tests stay quick.
      cSettings: [.unsafeFlags(["-O2"])]
    ),
    .testTarget(name: "FlashTests", dependencies: ["Flash", "FTDIEmulator"]),
    // The command line. On main it carries every command; this branch adds `strata flash`.
    .executableTarget(
      name: "strata",
      dependencies: ["Flash", "Board", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    .testTarget(name: "FlashCommandTests", dependencies: ["strata", "Flash", "FTDIEmulator"]),
    // Benchmark, not a test: scripts/bench/flash.
    .executableTarget(name: "FlashBench", dependencies: ["Flash", "FTDIEmulator"], path: "Benchmarks/FlashBench"),
    .target(name: "Board", dependencies: [.product(name: "Yams", package: "Yams")]),
    .testTarget(name: "BoardTests", dependencies: ["Board"], resources: [.copy("Malformed")]),
  ],
  swiftLanguageModes: [.v5]
)
