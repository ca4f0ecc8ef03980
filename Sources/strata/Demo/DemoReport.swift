import Board
import Firmware
import FirmwareSimulation
import Foundation

/// The demo's printed report: short, one fact per line, cycles with their time at the board's clock.
struct DemoReport {
  let board: Board
  let world: World
  let cluster: [ClusterNode<SimulatedHAL>]
  let figures: ClusterFigures?
  let bootCycles: UInt64
  /// Whether node 1's RAM held node 0's copy when the boot ended (nil: no copy).
  let copyArrived: Bool?

  /// The cluster boot's settings for a board: payloads up to its Max_Payload_Size, a shared
  /// buffer as large as a window allows (at most 64 KiB) for the bandwidth figure.
  static func settings(_ board: Board) -> ClusterSettings {
    var settings = ClusterSettings()
    settings.enumeration.rootMaxPayload = board.switchConfig.maxPayloadBytes
    settings.sharedBufferBytes = min(board.ntb.windowSize, 64 << 10)
    return settings
  }

  /// The Max_Payload_Size enumeration set on the NTB endpoints (the minimum along the path).
  static func pathPayload(_ tree: DeviceTree) -> Int {
    tree.functions.filter { $0.vendorID == NodeNTBIdentity.vendorID && $0.deviceID == NodeNTBIdentity.deviceID }
      .compactMap(\.maxPayload).min() ?? 128
  }

  func time(_ cycles: UInt64) -> String {
    let ns = Double(cycles) * 1000 / Double(board.clockMHz)
    return ns >= 10_000 ? String(format: "%.1f µs", ns / 1000) : String(format: "%.0f ns", ns)
  }

  func boot(finished: Bool, seconds: Double) -> String {
    let done = cluster.filter { $0.phase == .done }.count
    return "  boot: \(done) of \(cluster.count) nodes done in \(bootCycles) cycles (\(time(bootCycles)) at \(board.clockMHz) MHz)"
      + String(format: ", simulated in %.1f s", seconds) + (finished ? "" : "; the rest did not finish")
  }

  func node(_ node: ClusterNode<SimulatedHAL>) -> String {
    var lines = ["node \(node.index): \(node.failure.map { "failed: \($0)" } ?? (node.phase == .done ? "booted" : "stopped in \(node.phase)"))"]
    if let tree = node.tree {
      var names: [BDF: String] = [:]
      for port in node.ports + node.unpluggedPorts { names[port.endpoint] = "NTB port \(port.index)" }
      lines += DeviceTreeReport.text(tree, names: names).split(separator: "\n").map { "    " + $0 }
    }
    for port in node.ports {
      let peer = port.peer.map { "node \($0)" } ?? "?"
      let link = port.link.map { "up, \(Self.gigatransfers($0.speed)) GT/s x\($0.width)" } ?? "down"
      lines.append("  link: NTB port \(port.index) (\(port.endpoint.text)) to \(peer): \(link)")
    }
    for port in node.unpluggedPorts {
      lines.append("  link: NTB port \(port.index) (\(port.endpoint.text)): down, its link never came up: left out of the cluster")
    }
    for fault in world.nodes[node.index].hal.faults.prefix(5) { lines.append("  fault: \(fault)") }
    return lines.joined(separator: "\n")
  }

  func figures(_ f: ClusterFigures) -> String {
    var lines = ["figures (measured on the RTL, node 0 and node 1):"]
    let trips = f.doorbellRoundTrips.sorted()
    if let fastest = trips.first {
      let median = trips[trips.count / 2]
      lines.append("  doorbell round trip: \(median) cycles (\(time(median))) median, \(fastest) fastest, over \(trips.count) ping-pong rounds")
    }
    if let ring = f.ringCycles {
      lines.append("  token round the ring: \(ring) cycles (\(time(ring))) through \(board.nodeCount) nodes' transports")
    }
    if let copy = cluster.first?.copy {
      let expected = cluster.first?.settings.copyData ?? []
      lines.append("  remote copy: \(copy.bytes) bytes written into node \(copy.node)'s RAM through an NTB window: "
                   + (copyArrived == true ? "arrived" : "MISSING") + ", read back: " + (copy.readBack == expected ? "match" : "MISMATCH")
                   + " (\(copy.writeCycles) and \(copy.readCycles) cycles word by word)")
    }
    lines.append("  remote 64-byte read: \(f.remoteReadCycles) cycles (\(time(f.remoteReadCycles))), data " + (f.remoteReadMatches ? "match" : "MISMATCH"))
    let bytesPerSecond = f.writeBytesPerCycle * Double(board.clockMHz) * 1e6
    let line = lineRate
    lines.append("  window write bandwidth: \(f.writeBytes / 1024) KiB in \(f.writePayloadBytes)-byte writes in \(f.writeCycles) cycles: "
                 + String(format: "%.2f bytes/cycle (%.2f of the %d-bit datapath), %.2f GB/s at %d MHz (%.2f of the x%d %@ GT/s link's %.2f GB/s)",
                          f.writeBytesPerCycle, f.writeBytesPerCycle * 8 / Double(board.datapathBits), board.datapathBits,
                          bytesPerSecond / 1e9, board.clockMHz, bytesPerSecond / line,
                          board.switchConfig.linkWidth, Self.gigatransfers(Self.speedCode(board)), line / 1e9))
    return lines.joined(separator: "\n")
  }

  /// Bytes per second the links carry: lanes × GT/s × encoding (8b/10b below 8 GT/s, 128b/130b from it) / 8.
  var lineRate: Double {
    let gts = board.switchConfig.linkSpeedGTs
    return Double(board.switchConfig.linkWidth) * gts * 1e9 * (gts < 8 ? 0.8 : 128.0 / 130.0) / 8
  }

  static func speedCode(_ board: Board) -> Int { [2.5: 1, 5.0: 2, 8.0: 3, 16.0: 4, 32.0: 5][board.switchConfig.linkSpeedGTs] ?? 1 }

  static func gigatransfers(_ code: Int) -> String { ["?", "2.5", "5", "8", "16", "32"][min(max(code, 0), 5)] }

  /// What went wrong, one line each; empty when the boot did all it should.
  var failures: [String] {
    var out: [String] = []
    for node in cluster where node.phase != .done { out.append("node \(node.index): \(node.failure.map { "\($0)" } ?? "stopped in \(node.phase)")") }
    for node in world.nodes where !node.hal.faults.isEmpty { out.append("node \(node.index): \(node.hal.faults.count) failed accesses") }
    if let copy = cluster.first?.copy, copy.readBack != cluster.first?.settings.copyData { out.append("node 0: the remote copy read back differs") }
    if copyArrived == false { out.append("node 1: its RAM does not hold node 0's remote copy") }
    if let f = figures, !f.remoteReadMatches { out.append("node 0: the remote 64-byte read returned other data") }
    return out
  }
}
