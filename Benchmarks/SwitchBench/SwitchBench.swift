import Cores
import HDL
import PCIe
import Simulation

/// A Verilated `pcieSwitch` of `ports` ports (64-bit data path) with a `SwitchLink` on every
/// port, configured the way enumeration does it: downstream port k (device k − 1 on bus 1)
/// gets buses 4k − 2 ... 4k + 1 and the 16 MiB window at 0x800 + 16(k − 1) MiB; the upstream
/// bridge buses 1 ... 4(ports − 1) + 1 and 0x800 ... 0x8FF MiB. Memory Space and Bus Master
/// Enable and Max_Payload_Size 256 bytes everywhere.
final class SwitchBench {
  let ports: Int
  let model: Model
  let links: [SwitchLink]
  private(set) var cycle = 0
  static let rootComplex = PCIeID(bus: 0, device: 0, function: 0)

  static func parameters(ports: Int) -> SwitchParameters {
    SwitchParameters(downstreamPorts: ports - 1, dataWidth: 64, maxPayloadBytes: 256, linkWidth: 8, linkSpeed: 3)
  }

  init(ports: Int, compiled: CompiledModel) throws {
    self.ports = ports
    let model = try Model(compiled)
    self.model = model
    links = try (0..<ports).map { try SwitchLink(model, port: $0) }
    model.reset()
    model.settle()
    for link in links { link.initialize() }
    try configure()
  }

  /// One cycle: inputs, settle, observe, edge.
  func tick() throws {
    for link in links { try link.drive() }
    model.settle()
    for link in links { link.observe(cycle: cycle) }
    model.step()
    cycle += 1
  }

  private func configure() throws {
    var writes: [TLP] = []
    var tag: UInt16 = 0
    for k in 0..<ports {
      let target = k == 0 ? Self.rootComplex : PCIeID(bus: 1, device: UInt8(k - 1), function: 0)
      let (secondary, subordinate) = k == 0 ? (1, 4 * (ports - 1) + 1) : (4 * k - 2, 4 * k + 1)
      let (base, limit) = k == 0 ? (0x800, 0x8FF) : (0x800 + 16 * (k - 1), 0x80F + 16 * (k - 1))
      for (offset, value) in [(0x18, UInt32((k == 0 ? 0 : 1) | secondary << 8 | subordinate << 16)),
                              (0x20, UInt32(limit << 20 | base << 4)), (0x24, 0x0000_FFF0), (0x04, 0x6), (0x48, 0x30)] {
        tag += 1
        // Device Control byte 0 only: Max_Payload_Size 256 bytes (001b in bits 7:5), Relaxed Ordering 1 as after reset.
        writes.append(.configWrite(type1: k != 0, target: target, offset: offset, value: UInt32(value),
                                   byteEnables: offset == 0x48 ? 0x1 : 0xF, requester: Self.rootComplex, tag: tag))
      }
    }
    for write in writes { links[0].send(write) }
    while links[0].arrivals.count < writes.count {
      try tick()
      guard cycle < 10_000 else { throw BenchError("the switch answered \(links[0].arrivals.count) of \(writes.count) configuration writes") }
    }
    for link in links { link.arrivals = []; link.started = [] }
  }

  /// A 256-byte MWr from `source` to `destination`, its first payload DW `marker`: into
  /// destination's window, or (for the upstream port) below the upstream window.
  func write(from source: Int, to destination: Int, marker: UInt32) -> TLP {
    let address: UInt64 = destination == 0 ? 0x4000_0000 : UInt64(0x800 + 16 * (destination - 1)) << 20
    var data = [UInt8](repeating: 0xA5, count: 256)
    withUnsafeBytes(of: marker.littleEndian) { data.replaceSubrange(0..<4, with: $0) }
    let requester = source == 0 ? Self.rootComplex : PCIeID(bus: UInt8(4 * source - 2), device: 0, function: 0)
    return .memoryWrite(address: address, data: data, requester: requester)
  }
}

struct BenchError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
