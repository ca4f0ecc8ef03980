import Cores
import HDL

/// Every round-robin arbiter shape the core is tested at (2 to 8 requesters, 1-bit to 256-bit
/// beats), side by side in one design so that one Verilator build serves them all. Arbiter
/// `<lane>` (instance `<lane>_core`) has ports `<lane>_in<i>_*`, `<lane>_out_*`,
/// `<lane>_grant` and `<lane>_grant_index`.
enum ArbiterHarness {
  static let shapes: [(lane: String, requesters: Int, width: Int)] = [
    ("a0", 2, 1), ("a1", 3, 8), ("a2", 4, 16), ("a3", 5, 256), ("a4", 8, 4),
  ]

  static let design = Result {
    try Design(top: Module("arbiter_harness") { m in
      for shape in shapes {
        let core = m.instance(roundRobinArbiter(requesters: shape.requesters, width: shape.width), name: "\(shape.lane)_core")
        for i in 0..<shape.requesters {
          connect(m.port("\(shape.lane)_in\(i)", PacketStream(width: shape.width).flipped),
                  to: core.interface("in\(i)", as: PacketStream.self))
        }
        connect(core.interface("out", as: PacketStream.self), to: m.port("\(shape.lane)_out", PacketStream(width: shape.width)))
        m.output("\(shape.lane)_grant", width: core["grant"].width) <== core["grant"]
        m.output("\(shape.lane)_grant_index", width: core["grant_index"].width) <== core["grant_index"]
      }
    })
  }
}
