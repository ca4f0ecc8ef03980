import ArgumentParser
import Board
import Cores
import Firmware
import FirmwareSimulation
import Foundation
import HDL
import Simulation
import Toolchain

struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Boot a cluster of the board's nodes on its RTL and report what it did.",
    discussion: """
      Generates the board's Verilog (into artifacts/demo/rtl/<board>/), builds its Verilator
      model (the first build of a board takes minutes; it is cached afterwards), and runs
      every node's management firmware on it: each node enumerates its PCIe switch, brings
      its NTB links up, plays ntb_pingpong with its neighbours and hand-shakes its message
      transport; node 0 sends a token round the ring and writes a buffer into node 1's RAM
      through an NTB window and reads it back. Then it prints each node's device tree and
      links, the doorbell round trip, the remote 64-byte read latency and the window write
      bandwidth measured on the RTL. Last, node 0's firmware runs a tiering workload on its
      tier controller (2,000 host reads and writes into the unified space, migrations by DMA,
      every read checked against what was written), and the same trace runs on the
      transaction-level model for comparison.

      --nodes N other than the board file's node count joins N nodes of the board in a ring.

      Examples:
        strata demo
        strata demo --board boards/cluster4.yaml --trace
        strata demo --nodes 2
      """)

  @OptionGroup var options: BoardOptions

  @Option(help: ArgumentHelp("Nodes in the cluster, 1...8 (default 4).", valueName: "n"))
  var nodes: Int = 4

  @Flag(help: "Write the whole run's waveform to artifacts/demo/<board>.fst.")
  var trace = false

  func run() throws {
    setvbuf(stdout, nil, _IOLBF, 0)  // progress lines show at once, also through a pipe
    let started = Date()
    let board: Board
    do { board = try options.load().withRing(ofNodes: nodes, file: "\(options.board) (--nodes \(nodes))") } catch let error as BoardError {
      throw CommandFailure(error.description)
    }
    let artifacts = options.projectRoot.appendingPathComponent("artifacts/demo")
    print("strata demo: board \(board.name), \(board.nodeCount) node\(board.nodeCount == 1 ? "" : "s")"
          + (board.nodeCount > 1 ? " (\(board.ntb.links.count) crosslink\(board.ntb.links.count == 1 ? "" : "s"), \(board.ntb.linkLatencyCycles) cycles each way)" : "")
          + ", \(board.clockMHz) MHz")

    let design = try elaborateBoard(board)
    let rtl = RTLFolder(artifacts.appendingPathComponent("rtl").appendingPathComponent(board.name))
    let files = design.verilogFiles()
    try rtl.write(files)
    print("  rtl: \(files.count) Verilog files in \(relative(rtl.directory))")

    let compiled = try DemoModelBuild.load(design)
    let model = try Model(compiled)
    let wave = artifacts.appendingPathComponent("\(board.name).\(compiled.traceFormat.fileExtension)")
    if trace { try model.startTrace(to: wave.path) }
    let world = try World(board: board, model: model)
    let bootStarted = Date()
    let cluster = world.nodes.map { ClusterNode(hal: $0.hal, layout: world.layout, settings: DemoReport.settings(board)) }
    let rounds = world.run(maxRounds: 1_000_000, cluster.map { node in { node.step() } })
    let bootCycles = world.system.cycle
    // Before the bandwidth figure writes over the same buffer.
    let copyArrived = cluster.first?.copy.map { world.nodes[$0.node].side.bytes(at: $0.address, count: $0.bytes) == cluster[0].settings.copyData }
    let figures = cluster.first.flatMap {
      ClusterFigures.measure(world, node0: $0, payloadBytes: $0.tree.map(DemoReport.pathPayload) ?? board.switchConfig.maxPayloadBytes)
    }
    let bootSeconds = Date().timeIntervalSince(bootStarted)

    let report = DemoReport(board: board, world: world, cluster: cluster, figures: figures, bootCycles: bootCycles, copyArrived: copyArrived)
    print(report.boot(finished: rounds != nil, seconds: bootSeconds))
    for node in cluster { print(report.node(node)) }
    if let figures { print(report.figures(figures)) }
    // Printed before it runs: on a board with a large page map the set-up alone takes a while.
    print("tiering: node 0's firmware maps its workload's pages (the controller cleared all \(board.tiers.mappedPages) after reset) and runs it…")
    let tiering = DemoTiering.run(world, tree: cluster.first?.tree)
    _ = model.stopTrace()
    print(tiering.text)
    if trace { print("waveform: \(relative(wave)) (strata waves \(relative(wave)), or gtkwave)") }
    print(String(format: "done in %.1f s", Date().timeIntervalSince(started)))
    let failures = report.failures + DemoTiering.failures(tiering)
    if !failures.isEmpty { throw CommandFailure("the demo failed:\n" + failures.joined(separator: "\n")) }
  }

  private func relative(_ url: URL) -> String {
    let here = FileManager.default.currentDirectoryPath + "/"
    return url.path.hasPrefix(here) ? String(url.path.dropFirst(here.count)) : url.path
  }
}

/// Builds the model with visible progress: whether the cache has it, and while Verilator
/// runs, a line every 15 seconds.
enum DemoModelBuild {
  static func load(_ design: Design) throws -> CompiledModel {
    let source = ModelSource(design, traceFormat: try TraceFormat.fromEnvironment())
    let cache = ModelCache.default
    let key = try ModelCache.key(for: source)
    if FileManager.default.fileExists(atPath: cache.directory.appendingPathComponent(key).appendingPathComponent("libmodel.so").path) {
      print("  model: cached (\(cache.directory.path)/\(key.prefix(12))…)")
      return try CompiledModel.load(source, cache: cache)
    }
    print("  model: building with Verilator; the first build of a board takes a few minutes (it is cached in \(cache.directory.path))")
    let started = Date()
    let ticker = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
    ticker.schedule(deadline: .now() + 15, repeating: 15)
    ticker.setEventHandler { print(String(format: "    still building, %.0f s", Date().timeIntervalSince(started))) }
    ticker.resume()
    defer { ticker.cancel() }
    let compiled = try CompiledModel.load(source, cache: cache)
    print(String(format: "  model: built in %.0f s", Date().timeIntervalSince(started)))
    return compiled
  }
}
