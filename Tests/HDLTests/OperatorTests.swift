import XCTest
import HDL
import Toolchain

/// Every operator, simulated under Icarus on seeded random vectors (a quarter of them edge
/// values) at widths 1, 7, 64, 65, 200 and 4096, and compared with `Ref`, which computes the
/// two's-complement result from its definition. The hardware must match Verilog's rules for
/// the emitted text (IEEE 1364-2005 §5.1 operators, §5.4 bit lengths, §5.5 signed expressions),
/// which is what makes the two agree.
final class OperatorTests: XCTestCase {
  static let widths = [1, 7, 64, 65, 200, 4096]

  /// One module with every operator applied to inputs `a`, `b` (width `w`) and shift amount `n`.
  /// The shift amount has one bit more than needed to reach `w`, so shifts by the width and
  /// beyond are exercised too.
  func operators(width w: Int, constantShift k: Int) -> Module {
    Module("operators", parameters: ["width": w]) { m in
      let a = m.input("a", width: w)
      let b = m.input("b", width: w)
      let n = m.input("n", width: bitsToHold(w) + 1)
      let outputs: [(String, Signal)] = [
        ("y_not", ~a), ("y_and", a & b), ("y_or", a | b), ("y_xor", a ^ b),
        ("y_add", a + b), ("y_sub", a - b), ("y_neg", -a), ("y_inc", a + 1), ("y_dec", a - 1),
        ("y_carry", a.addingWithCarry(b)),
        ("y_mul", a * b), ("y_smul", a.asSigned * b.asSigned),
        ("y_eq", a == b), ("y_ne", a != b), ("y_lt", a < b), ("y_le", a <= b), ("y_gt", a > b), ("y_ge", a >= b),
        ("y_slt", a.asSigned < b.asSigned), ("y_sle", a.asSigned <= b.asSigned),
        ("y_sgt", a.asSigned > b.asSigned), ("y_sge", a.asSigned >= b.asSigned),
        ("y_shlk", a << k), ("y_shrk", a >> k), ("y_sshrk", (a.asSigned >> k).asUnsigned),
        ("y_shl", a << n), ("y_shr", a >> n), ("y_sshr", (a.asSigned >> n).asUnsigned),
      ]
      for (name, value) in outputs {
        let y = m.output(name, width: value.width)
        y <== value
      }
    }
  }

  func reference(_ a: BitVector, _ b: BitVector, _ n: Int, k: Int) -> [String: BitVector] {
    let w = a.width
    let (za, zb) = (Ref.zeroExtend(a, to: 2 * w), Ref.zeroExtend(b, to: 2 * w))
    let (sa, sb) = (Ref.signExtend(a, to: 2 * w), Ref.signExtend(b, to: 2 * w))
    let u = Ref.compareUnsigned(a, b), s = Ref.compareSigned(a, b)
    return [
      "y_not": Ref.not(a), "y_and": Ref.and(a, b), "y_or": Ref.or(a, b), "y_xor": Ref.xor(a, b),
      "y_add": Ref.add(a, b), "y_sub": Ref.sub(a, b), "y_neg": Ref.negate(a),
      "y_inc": Ref.add(a, BitVector(width: w, value: 1)), "y_dec": Ref.sub(a, BitVector(width: w, value: 1)),
      "y_carry": Ref.add(Ref.zeroExtend(a, to: w + 1), Ref.zeroExtend(b, to: w + 1)),
      "y_mul": Ref.mul(za, zb), "y_smul": Ref.mul(sa, sb),
      "y_eq": Ref.bit(u == 0), "y_ne": Ref.bit(u != 0), "y_lt": Ref.bit(u < 0), "y_le": Ref.bit(u <= 0),
      "y_gt": Ref.bit(u > 0), "y_ge": Ref.bit(u >= 0),
      "y_slt": Ref.bit(s < 0), "y_sle": Ref.bit(s <= 0), "y_sgt": Ref.bit(s > 0), "y_sge": Ref.bit(s >= 0),
      "y_shlk": Ref.shl(a, k), "y_shrk": Ref.shr(a, k), "y_sshrk": Ref.sshr(a, k),
      "y_shl": Ref.shl(a, n), "y_shr": Ref.shr(a, n), "y_sshr": Ref.sshr(a, n),
    ]
  }

  func checkOperators(width w: Int, vectors: Int) throws {
    let k = max(1, w / 3)
    let design = try Design(top: operators(width: w, constantShift: k))
    var rng = SeededGenerator(seed: UInt64(w))
    let nWidth = bitsToHold(w) + 1
    var rows: [[String: BitVector]] = []
    for _ in 0..<vectors {
      let shift = rng.int(0...min(w + 2, (1 << nWidth) - 1))
      rows.append(["a": rng.vector(width: w), "b": rng.vector(width: w), "n": BitVector(width: nWidth, value: shift)])
    }
    let results = try simulate(design, rows, clock: nil)
    for (row, out) in zip(rows, results) {
      let (a, b, n) = (row["a"]!, row["b"]!, Ref.value(row["n"]!))
      for (port, expected) in reference(a, b, n, k: k).sorted(by: { $0.key < $1.key }) {
        expect(out, port, expected, "width \(w), a = \(a), b = \(b), n = \(n)")
      }
    }
  }

  func testOperatorsAtWidth1() throws { try checkOperators(width: 1, vectors: 16) }
  func testOperatorsAtWidth7() throws { try checkOperators(width: 7, vectors: 200) }
  func testOperatorsAtWidth64() throws { try checkOperators(width: 64, vectors: 200) }
  func testOperatorsAtWidth65() throws { try checkOperators(width: 65, vectors: 200) }
  func testOperatorsAtWidth200() throws { try checkOperators(width: 200, vectors: 100) }
  func testOperatorsAtWidth4096() throws { try checkOperators(width: 4096, vectors: 12) }

  func testOperatorDesignsAreVerilatorClean() throws {
    for w in Self.widths { try assertVerilatorClean(try Design(top: operators(width: w, constantShift: max(1, w / 3)))) }
  }

  /// Signed operands: arithmetic right shift fills with the sign, sign extension repeats the
  /// sign bit, and `+` of a narrower signed operand sign-extends it first.
  func testSignedArithmeticExtendsBySign() throws {
    let top = Module("signed_ops") { m in
      let a = m.input("a", width: 12, signed: true)
      let b = m.input("b", width: 5, signed: true)
      let sum = m.output("sum", width: 12, signed: true)
      let diff = m.output("diff", width: 12, signed: true)
      let wide = m.output("wide", width: 20, signed: true)
      let less = m.output("less")
      let half = m.output("half", width: 12, signed: true)
      sum <== a + b
      diff <== b - a
      wide <== a.signExtended(to: 20)
      less <== b < a
      half <== a >> 1
    }
    let design = try Design(top: top)
    var rng = SeededGenerator(seed: 12)
    let rows = (0..<200).map { _ in ["a": rng.vector(width: 12), "b": rng.vector(width: 5)] }
    for (row, out) in zip(rows, try simulate(design, rows, clock: nil)) {
      let (a, b) = (row["a"]!, row["b"]!)
      let b12 = Ref.signExtend(b, to: 12)
      let context = "a = \(a), b = \(b)"
      expect(out, "sum", Ref.add(a, b12), context)
      expect(out, "diff", Ref.sub(b12, a), context)
      expect(out, "wide", Ref.signExtend(a, to: 20), context)
      expect(out, "less", Ref.bit(Ref.compareSigned(b12, a) < 0), context)
      expect(out, "half", Ref.sshr(a, 1), context)
    }
    try assertVerilatorClean(design)
  }

  /// Integer literals on the right take the signal's width and signedness, so `x < -3` on a
  /// signed signal is a signed comparison.
  func testLiteralsTakeTheSignalsSignedness() throws {
    let top = Module("literals") { m in
      let x = m.input("x", width: 8, signed: true)
      let below = m.output("below")
      let masked = m.output("masked", width: 8)
      below <== x < -3
      masked <== (x & 0x0f).asUnsigned
    }
    let design = try Design(top: top)
    let rows = (0..<256).map { ["x": bv($0, 8)] }
    for (v, out) in zip(0..<256, try simulate(design, rows, clock: nil)) {
      let signedValue = v >= 128 ? v - 256 : v
      expect(out, "below", bv(signedValue < -3 ? 1 : 0, 1), "x = \(signedValue)")
      expect(out, "masked", bv(v & 0x0f, 8), "x = \(signedValue)")
    }
    try assertVerilatorClean(design)
  }
}
