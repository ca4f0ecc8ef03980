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
    .target(name: "Board", dependencies: [.product(name: "Yams", package: "Yams")]),
    .testTarget(name: "BoardTests", dependencies: ["Board"], resources: [.copy("Malformed")]),
  ],
  swiftLanguageModes: [.v5]
)
