import ArgumentParser
import Dispatch
import Firmware
import FirmwareSimulation
import HDL
import Foundation
import PCIModel
import RTLTopology
import Simulation

struct EnumerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "enumerate",
    abstract: "Run the firmware's PCIe enumeration on a topology file and print the device tree.",
    discussion: """
      The topology file (YAML, see docs/firmware.md) describes switches and endpoints with
      their BARs, empty slots, endpoints slow to answer (CRS) and multi-function endpoints.
      With --model rtl (the default) it is built from the RTL switch and endpoint models
      (pcieSwitch, pcieEndpoint), Verilated (cached by content; the first build of a topology
      takes minutes), and the firmware enumerates it through the root switch's management
      port as on the node. What the RTL cannot build (root ports, multi-function switch ports,
      I/O BARs, ...) is refused with the line it is on. With --model swift it runs on
      PCIModel's configuration-space model, which also has root ports, PCI bridges, I/O BARs
      and bridge functions in multi-function devices.

      Examples:
        strata enumerate --topology firmware/topologies/rtl/nested-switches.yaml
        strata enumerate --topology firmware/topologies/rtl/slow-device.yaml --json
        strata enumerate --topology firmware/topologies/rtl/multi-function.yaml
        strata enumerate --topology firmware/topologies/two-switches.yaml --model swift
      """)

  enum ModelKind: String, ExpressibleByArgument, CaseIterable {
    case rtl, swift
  }

  @Option(help: ArgumentHelp("The topology file (YAML).", valueName: "file"))
  var topology: String

  @Flag(help: "Print the device tree as JSON.")
  var json = false

  @Option(help: "What the topology is built from: rtl (Verilated switch and endpoint RTL) or swift (configuration-space model).")
  var model: ModelKind = .rtl

  func run() throws {
    let text: String
    do { text = try String(contentsOfFile: topology, encoding: .utf8) } catch {
      throw CommandFailure("cannot read \(topology): \(error.localizedDescription)")
    }
    let parsed: Topology
    do { parsed = try Topology.parse(yaml: text, file: topology) } catch { throw CommandFailure(error.description) }
    var names: [BDF: String] = [:]
    let tree: DeviceTree
    let summary: String
    switch model {
    case .swift:
      do { tree = try enumerate(parsed.model, options: parsed.options) } catch {
        throw CommandFailure("enumeration failed: \(error.description)")
      }
      let waited = parsed.model.waits.reduce(0, +)
      summary = "\(parsed.model.requests.count) configuration requests, \(waited) cycles of CRS back-off (Swift model)"
    case .rtl:
      let (result, built) = try enumerateRTL(parsed)
      tree = result.tree
      summary = "\(result.configurationRequests) configuration requests (\(result.retryCompletions) answered CRS), "
        + "\(result.cycles) cycles on the RTL of \(count(built.switches, "switch", "switches")) and \(count(built.endpoints, "endpoint", "endpoints"))"
    }
    // Names by where the Swift model places each function: the same bus numbers, since
    // enumeration is the same algorithm on the same topology.
    if model == .rtl { _ = try? enumerate(parsed.model, options: parsed.options) }
    for (bdf, f, _) in parsed.model.reachable() { names[bdf] = f.name }
    if json {
      print(try DeviceTreeReport.json(tree, names: names))
    } else {
      print(DeviceTreeReport.text(tree, names: names))
      print(summary)
    }
  }

  private func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }

  /// Builds the topology's RTL (or finds it in the model cache), then enumerates it.
  private func enumerateRTL(_ parsed: Topology) throws -> (RTLEnumerationResult, RTLTopology) {
    let built: RTLTopology
    do { built = try RTLTopology(parsed) } catch {
      throw CommandFailure(error.description + "\n(the Swift model builds more: --model swift)")
    }
    let design: HDL.Design
    do { design = try HDL.Design(top: try topologyBench([(prefix: "t", topology: built)], name: "topology")) } catch {
      throw CommandFailure("the topology's RTL does not elaborate: \(error)")
    }
    let system = SimulatedSystem(model: try loadModel(design))
    do {
      return (try enumerateOnRTL(system, prefix: "t", options: parsed.options), built)
    } catch {
      throw CommandFailure("\(error)")
    }
  }

  /// The Verilated model, with a line every 10 s on stderr while Verilator builds it.
  private func loadModel(_ design: HDL.Design) throws -> Model {
    let cache = ModelCache.default
    let source = ModelSource(design)
    let cached = (try? ModelCache.key(for: source)).map {
      FileManager.default.fileExists(atPath: cache.directory.appendingPathComponent($0).path)
    } ?? false
    guard !cached else { return try Model(try CompiledModel.load(source, cache: cache)) }
    let start = Date()
    FileHandle.standardError.write(Data("building the Verilator model (once per topology; cached in \(cache.directory.path))\n".utf8))
    let ticker = DispatchSource.makeTimerSource(queue: .global())
    ticker.schedule(deadline: .now() + 10, repeating: 10)
    ticker.setEventHandler {
      FileHandle.standardError.write(Data("  still building: \(Int(Date().timeIntervalSince(start))) s\n".utf8))
    }
    ticker.resume()
    defer { ticker.cancel() }
    let model = try Model(try CompiledModel.load(source, cache: cache))
    FileHandle.standardError.write(Data("built in \(Int(Date().timeIntervalSince(start))) s\n".utf8))
    return model
  }
}
