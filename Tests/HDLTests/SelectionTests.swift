import XCTest
import HDL
import Toolchain

/// `mux`, `priority`, `select`, `when`/`elseWhen`/`otherwise` and `switchOn`, simulated
/// exhaustively (or on seeded vectors) and compared with the same choice made in Swift.
final class SelectionTests: XCTestCase {
  func testMuxPriorityAndSelect() throws {
    let top = Module("selection") { m in
      let c = m.input("c", width: 3)
      let i = m.input("i", width: 3)
      let a = m.input("a", width: 8)
      let b = m.input("b", width: 8)
      let picked = m.output("picked", width: 8)
      let first = m.output("first", width: 8)
      let five = m.output("five", width: 8)
      let mixed = m.output("mixed", width: 8)
      picked <== mux(c[0], a, b)
      first <== priority([(c[2], a), (c[1], b), (c[0], a ^ b)], otherwise: .zero(width: 8))
      // Five values for a 3-bit index: indices 5, 6 and 7 give the last value.
      five <== select(i, [a, b, a & b, a | b, ~a])
      mixed <== mux(c[1], 0x5a, b)
    }
    let design = try Design(top: top)
    var rng = SeededGenerator(seed: 3)
    var rows: [[String: BitVector]] = []
    for c in 0..<8 { for i in 0..<8 { rows.append(["c": bv(c, 3), "i": bv(i, 3), "a": rng.vector(width: 8), "b": rng.vector(width: 8)]) } }
    for (row, out) in zip(rows, try simulate(design, rows, clock: nil)) {
      let (c, i) = (Ref.value(row["c"]!), Ref.value(row["i"]!))
      let (a, b) = (row["a"]!, row["b"]!)
      let context = "c = \(c), i = \(i), a = \(a), b = \(b)"
      expect(out, "picked", c & 1 == 1 ? a : b, context)
      expect(out, "first", c & 4 != 0 ? a : c & 2 != 0 ? b : c & 1 != 0 ? Ref.xor(a, b) : bv(0, 8), context)
      expect(out, "five", [a, b, Ref.and(a, b), Ref.or(a, b), Ref.not(a)][min(i, 4)], context)
      expect(out, "mixed", c & 2 != 0 ? bv(0x5a, 8) : b, context)
    }
    try assertVerilatorClean(design)
  }

  /// Last assignment wins: a default, then overrides under `when`, `elseWhen` and `otherwise`,
  /// and a `switchOn` whose arms match several values.
  func testConditionalStatements() throws {
    let top = Module("conditions") { m in
      let op = m.input("op", width: 3)
      let x = m.input("x", width: 8)
      let y = m.output("y", width: 8)
      let flag = m.output("flag")
      let z = m.output("z", width: 8)
      y <== 0
      when(op == 1) {
        y <== x
      }.elseWhen(op == 2) {
        y <== x + 1
      }.elseWhen(op[2]) {
        y <== ~x
        when(x[0]) { y <== 0xff }
      }
      when(op == 0) { flag <== 1 }.otherwise { flag <== 0 }
      switchOn(op) {
        Case(0, 3) { z <== x >> 1 }
        Case(5) { z <== x << 1 }
      }.otherwise {
        z <== 0x77
      }
    }
    let design = try Design(top: top)
    var rng = SeededGenerator(seed: 4)
    let rows = (0..<8).flatMap { op in (0..<8).map { _ in ["op": bv(op, 3), "x": rng.vector(width: 8)] } }
    for (row, out) in zip(rows, try simulate(design, rows, clock: nil)) {
      let op = Ref.value(row["op"]!), x = row["x"]!
      let y: BitVector
      switch op {
      case 1: y = x
      case 2: y = Ref.add(x, bv(1, 8))
      case 4...7: y = x[0] ? bv(0xff, 8) : Ref.not(x)
      default: y = bv(0, 8)
      }
      expect(out, "y", y, "op = \(op), x = \(x)")
      expect(out, "flag", bv(op == 0 ? 1 : 0, 1), "op = \(op)")
      expect(out, "z", op == 0 || op == 3 ? Ref.shr(x, 1) : op == 5 ? Ref.shl(x, 1) : bv(0x77, 8), "op = \(op), x = \(x)")
    }
    try assertVerilatorClean(design)
  }

  /// A `select` over a non-power-of-two count of wide values, and a `switchOn` over a wide subject.
  func testWideSelection() throws {
    let top = Module("wide_select") { m in
      let i = m.input("i", width: 2)
      let values = (0..<3).map { m.input("v\($0)", width: 100) }
      let y = m.output("y", width: 100)
      let hit = m.output("hit", width: 2)
      y <== select(i, values)
      hit <== 0
      switchOn(values[0]) {
        Case(0) { hit <== 1 }
        Case(Signal.constant(BitVector.ones(width: 100))) { hit <== 2 }
      }
    }
    let design = try Design(top: top)
    var rng = SeededGenerator(seed: 5)
    let rows = (0..<40).map { n -> [String: BitVector] in
      ["i": bv(n % 4, 2), "v0": rng.vector(width: 100), "v1": rng.vector(width: 100), "v2": rng.vector(width: 100)]
    }
    for (row, out) in zip(rows, try simulate(design, rows, clock: nil)) {
      let i = Ref.value(row["i"]!)
      let v0 = row["v0"]!
      expect(out, "y", row["v\(min(i, 2))"]!, "i = \(i)")
      expect(out, "hit", bv(v0.isZero ? 1 : v0 == .ones(width: 100) ? 2 : 0, 2), "v0 = \(v0)")
    }
    try assertVerilatorClean(design)
  }
}
