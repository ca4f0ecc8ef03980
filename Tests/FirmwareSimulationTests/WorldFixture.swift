import Board
import Firmware
import FirmwareSimulation
import Foundation
import Simulation
import SimulationTesting

/// The World tests' boards: `Tests/Support/Boards/pair.yaml` as it is (2 nodes, the model
/// NodePairTests builds too) and as a ring of 4 nodes. Every test of a size shares one model.
extension SimulationTestCase {
  static var pairBoardPath: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Support/Boards/pair.yaml").path
  }

  func worldBoard(nodes: Int) throws -> Board {
    try Board.load(path: Self.pairBoardPath).withRing(ofNodes: nodes, file: "pair.yaml (\(nodes) nodes)")
  }

  /// `nodes` of the pair board on its model. The waveform (kept when a test fails) holds the
  /// board's ports and each node's system controller: the whole design's would cost four times
  /// the simulation itself. The two-node model is built at -O2 (`strata demo` and NodePairTests
  /// share it); larger rings boot once in one test, so their model is built for build time
  /// (BENCHMARKS.md, "Test-suite time, session 5").
  func world(nodes: Int) throws -> World {
    let board = try worldBoard(nodes: nodes)
    let scopes = (0..<nodes).map { TraceScope("node\($0).system_control") }
    let model = try self.model(try World.design(board), trace: Tracing(keep: false, scopes: scopes),
                               optimization: nodes > 2 ? .buildTime : .simulationSpeed)
    for i in 0..<nodes {
      watch("mgmt\(i)", "mgmt\(i)")
      watch("host\(i) in", "host\(i)_in")
      watch("host\(i) out", "host\(i)_out")
    }
    return try World(board: board, model: model)
  }

  /// Every node of `world` running the cluster boot, until all are done (or `maxRounds`).
  func bootCluster(_ world: World, settings: ClusterSettings = ClusterSettings(), maxRounds: Int = 200_000)
    -> (nodes: [ClusterNode<SimulatedHAL>], rounds: Int?) {
    let nodes = world.nodes.map { ClusterNode(hal: $0.hal, layout: world.layout, settings: settings) }
    let rounds = world.run(maxRounds: maxRounds, nodes.map { node in { node.step() } })
    return (nodes, rounds)
  }
}
