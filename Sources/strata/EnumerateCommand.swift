import ArgumentParser
import Firmware
import Foundation
import PCIModel

struct EnumerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "enumerate",
    abstract: "Run the firmware's PCIe enumeration on a topology file and print the device tree.",
    discussion: """
      The topology file (YAML, see docs/firmware.md) describes bridges, switches and
      endpoints with their BARs, absent slots and functions slow to answer (CRS). For now it
      is built as a Swift model of configuration spaces; enumerating the RTL switch and
      endpoint models comes with the switch integration. The firmware code that runs is the
      one in the board image.

      Examples:
        strata enumerate --topology firmware/topologies/two-switches.yaml
        strata enumerate --topology firmware/topologies/two-switches.yaml --json
      """)

  @Option(help: ArgumentHelp("The topology file (YAML).", valueName: "file"))
  var topology: String

  @Flag(help: "Print the device tree as JSON.")
  var json = false

  func run() throws {
    let text: String
    do { text = try String(contentsOfFile: topology, encoding: .utf8) } catch {
      throw CommandFailure("cannot read \(topology): \(error.localizedDescription)")
    }
    let parsed: Topology
    do { parsed = try Topology.parse(yaml: text, file: topology) } catch { throw CommandFailure(error.description) }
    let tree: DeviceTree
    do { tree = try enumerate(parsed.model, options: parsed.options) } catch {
      throw CommandFailure("enumeration failed: \(error.description)")
    }
    var names: [BDF: String] = [:]
    for (bdf, f, _) in parsed.model.reachable() { names[bdf] = f.name }
    if json {
      print(try DeviceTreeReport.json(tree, names: names))
    } else {
      print(DeviceTreeReport.text(tree, names: names))
      let waited = parsed.model.waits.reduce(0, +)
      print("\(parsed.model.requests.count) configuration requests, \(waited) cycles of CRS back-off")
    }
  }
}
