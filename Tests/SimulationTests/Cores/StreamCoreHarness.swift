import Cores
import HDL

/// Every FIFO shape and skid buffer width the stream cores are tested at, side by side in one
/// design, so that one Verilator build (about half a minute on the shared machine) serves them
/// all. Each core (instance `<lane>_core`) sits behind its own ports, named `<lane>_enq_*`,
/// `<lane>_deq_*` and, for a FIFO, `<lane>_count`, `_full`, `_empty`, `_almost_full`, `_almost_empty`.
enum StreamCoreHarness {
  struct FIFOShape {
    let lane: String
    let depth: Int, width: Int, almostFull: Int, almostEmpty: Int, firstWordFallThrough: Bool
  }

  /// Non-power-of-two depths, 1-bit and 256-bit words, custom thresholds, both storage styles.
  static let fifoShapes: [FIFOShape] = [
    FIFOShape(lane: "f0", depth: 2, width: 1, almostFull: 1, almostEmpty: 1, firstWordFallThrough: true),
    FIFOShape(lane: "f1", depth: 5, width: 8, almostFull: 4, almostEmpty: 0, firstWordFallThrough: true),
    FIFOShape(lane: "f2", depth: 3, width: 256, almostFull: 2, almostEmpty: 1, firstWordFallThrough: true),
    FIFOShape(lane: "f3", depth: 2, width: 8, almostFull: 1, almostEmpty: 1, firstWordFallThrough: false),
    FIFOShape(lane: "f4", depth: 7, width: 1, almostFull: 5, almostEmpty: 2, firstWordFallThrough: false),
    FIFOShape(lane: "f5", depth: 16, width: 8, almostFull: 12, almostEmpty: 3, firstWordFallThrough: false),
    FIFOShape(lane: "f6", depth: 3, width: 256, almostFull: 3, almostEmpty: 0, firstWordFallThrough: false),
  ]

  /// Skid buffer widths: 1 bit, a byte, a 256-bit beat.
  static let skidWidths: [(lane: String, width: Int)] = [("s0", 1), ("s1", 8), ("s2", 256)]

  static let design = Result {
    try Design(top: Module("stream_core_harness") { m in
      for shape in fifoShapes {
        let core = m.instance(fifo(depth: shape.depth, width: shape.width, almostFull: shape.almostFull,
                                   almostEmpty: shape.almostEmpty, firstWordFallThrough: shape.firstWordFallThrough),
                              name: "\(shape.lane)_core")
        connect(m.port("\(shape.lane)_enq", Stream(width: shape.width).flipped), to: core.interface("enq", as: Stream.self))
        connect(core.interface("deq", as: Stream.self), to: m.port("\(shape.lane)_deq", Stream(width: shape.width)))
        for flag in ["count", "full", "empty", "almost_full", "almost_empty"] {
          m.output("\(shape.lane)_\(flag)", width: core[flag].width) <== core[flag]
        }
      }
      for skid in skidWidths {
        let core = m.instance(skidBuffer(width: skid.width), name: "\(skid.lane)_core")
        connect(m.port("\(skid.lane)_enq", Stream(width: skid.width).flipped), to: core.interface("enq", as: Stream.self))
        connect(core.interface("deq", as: Stream.self), to: m.port("\(skid.lane)_deq", Stream(width: skid.width)))
      }
    })
  }
}
