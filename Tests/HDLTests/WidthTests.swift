import XCTest
import HDL
import Toolchain

/// Slices, concatenation, replication, reductions, extension and truncation, and constants
/// wider than 64 bits, simulated under Icarus and compared with `Ref`.
final class WidthTests: XCTestCase {
  /// Bit manipulation of an input `a` of `w` bits and `b` of `w / 2 + 1` bits.
  func bitManipulation(width w: Int) -> Module {
    let v = w / 2 + 1
    return Module("bits", parameters: ["width": w]) { m in
      let a = m.input("a", width: w)
      let b = m.input("b", width: v)
      let outputs: [(String, Signal)] = [
        ("low", a[0..<(w + 1) / 2]), ("high", a[(w / 2)...(w - 1)]), ("top", a.msb), ("bottom", a[0]),
        ("cat", concat(a, b)), ("cat3", concat(b, a.msb, b)), ("rep", b.replicated(3)),
        ("all", a.reduceAnd()), ("any", a.reduceOr()), ("parity", a.reduceXor()),
        ("zext", b.zeroExtended(to: w + 3)), ("sext", b.signExtended(to: w + 3)),
        ("sext_signed", b.asSigned.signExtended(to: w + 3).asUnsigned),
        ("trunc", a.truncated(to: (w + 1) / 2)), ("resize_up", b.resized(to: w + 1)),
        ("resize_down", a.resized(to: max(1, w - 1))),
        ("sum_mixed", a + b), ("lt_mixed", b < a),
        ("inv_slice", ~a.bits(0..<(w + 1) / 2)),
      ]
      for (name, value) in outputs {
        let y = m.output(name, width: value.width)
        y <== value
      }
    }
  }

  func reference(_ a: BitVector, _ b: BitVector) -> [String: BitVector] {
    let w = a.width
    let bw = Ref.zeroExtend(b, to: max(w, b.width))
    return [
      "low": Ref.slice(a, 0, (w + 1) / 2), "high": Ref.slice(a, w / 2, w - w / 2), "top": Ref.slice(a, w - 1, 1),
      "bottom": Ref.slice(a, 0, 1), "cat": Ref.concat([a, b]), "cat3": Ref.concat([b, Ref.slice(a, w - 1, 1), b]),
      "rep": Ref.concat([b, b, b]),
      "all": Ref.bit(Ref.bits(a).allSatisfy { $0 }), "any": Ref.bit(Ref.bits(a).contains(true)),
      "parity": Ref.bit(Ref.bits(a).filter { $0 }.count % 2 == 1),
      "zext": Ref.zeroExtend(b, to: w + 3), "sext": Ref.signExtend(b, to: w + 3), "sext_signed": Ref.signExtend(b, to: w + 3),
      "trunc": Ref.slice(a, 0, (w + 1) / 2), "resize_up": Ref.zeroExtend(b, to: w + 1),
      "resize_down": Ref.slice(a, 0, max(1, w - 1)),
      "sum_mixed": Ref.add(a, Ref.slice(bw, 0, w)), "lt_mixed": Ref.bit(Ref.compareUnsigned(Ref.zeroExtend(b, to: w + b.width), Ref.zeroExtend(a, to: w + b.width)) < 0),
      "inv_slice": Ref.not(Ref.slice(a, 0, (w + 1) / 2)),
    ]
  }

  func checkBits(width w: Int, vectors: Int) throws {
    let design = try Design(top: bitManipulation(width: w))
    var rng = SeededGenerator(seed: 100 + UInt64(w))
    let rows = (0..<vectors).map { _ in ["a": rng.vector(width: w), "b": rng.vector(width: w / 2 + 1)] }
    for (row, out) in zip(rows, try simulate(design, rows, clock: nil)) {
      for (port, expected) in reference(row["a"]!, row["b"]!).sorted(by: { $0.key < $1.key }) {
        expect(out, port, expected, "width \(w), a = \(row["a"]!), b = \(row["b"]!)")
      }
    }
  }

  func testBitsAtWidth2() throws { try checkBits(width: 2, vectors: 16) }
  func testBitsAtWidth7() throws { try checkBits(width: 7, vectors: 100) }
  func testBitsAtWidth64() throws { try checkBits(width: 64, vectors: 100) }
  func testBitsAtWidth65() throws { try checkBits(width: 65, vectors: 100) }
  func testBitsAtWidth200() throws { try checkBits(width: 200, vectors: 60) }
  func testBitsAtWidth4096() throws { try checkBits(width: 4096, vectors: 10) }

  func testBitManipulationDesignsAreVerilatorClean() throws {
    for w in [2, 7, 64, 65, 200, 4096] { try assertVerilatorClean(try Design(top: bitManipulation(width: w))) }
  }

  /// Constants of any width: a 200-bit pattern given in hex, all ones, a negative signed
  /// constant, and an integer literal added to a 130-bit signal.
  func testWideConstants() throws {
    let pattern = BitVector(width: 200, hex: "80_0123456789abcdef_fedcba9876543210_0f0f0f0f0f0f0f0f")!
    let top = Module("wide_constants") { m in
      let x = m.input("x", width: 130)
      let k = m.output("k", width: 200)
      let ones = m.output("ones", width: 100)
      let minus = m.output("minus", width: 70, signed: true)
      let plus = m.output("plus", width: 130)
      let match = m.output("match")
      k <== Signal.constant(pattern)
      ones <== Signal.ones(width: 100)
      minus <== Signal.constant(-5, width: 70, signed: true)
      plus <== x + 1_000_000_007
      match <== x == Signal.constant(BitVector.ones(width: 130))
    }
    let design = try Design(top: top)
    var rng = SeededGenerator(seed: 7)
    let rows = (0..<50).map { _ in ["x": rng.vector(width: 130)] } + [["x": BitVector.ones(width: 130)]]
    for (row, out) in zip(rows, try simulate(design, rows, clock: nil)) {
      let x = row["x"]!
      expect(out, "k", pattern, "the 200-bit constant")
      expect(out, "ones", BitVector.ones(width: 100), "all ones")
      expect(out, "minus", Ref.negate(BitVector(width: 70, value: 5)), "-5 in 70 bits")
      expect(out, "plus", Ref.add(x, BitVector(width: 130, value: 1_000_000_007)), "x = \(x)")
      expect(out, "match", Ref.bit(x == BitVector.ones(width: 130)), "x = \(x)")
    }
    try assertVerilatorClean(design)
  }

  /// `<==` adapts Int and Bool literals to the target's width and signedness.
  func testAssignedLiteralsTakeTheTargetsWidth() throws {
    let top = Module("assigned_literals") { m in
      let flag = m.output("flag")
      let octet = m.output("octet", width: 8)
      let wide = m.output("wide", width: 200)
      let minus = m.output("minus", width: 100, signed: true)
      flag <== true
      octet <== 200
      wide <== 5
      minus <== -2
    }
    let design = try Design(top: top)
    let out = try simulate(design, [[:]], clock: nil)[0]
    expect(out, "flag", bv(1, 1), "true")
    expect(out, "octet", bv(200, 8), "200")
    expect(out, "wide", bv(5, 200), "5 in 200 bits")
    expect(out, "minus", Ref.negate(bv(2, 100)), "-2 in 100 signed bits")
    try assertVerilatorClean(design)
  }

  /// State of 4096 bits: a register with a wide reset pattern that accumulates, and a memory
  /// of 4096-bit words written and read back.
  func testRegistersAndMemoriesOf4096Bits() throws {
    let w = 4096
    let pattern = Ref.concat([BitVector.ones(width: 96), BitVector(width: 4000, value: 12345)])
    let top = Module("wide_state") { m in
      let d = m.input("d", width: w)
      let address = m.input("address", width: 2)
      let write = m.input("write")
      let acc = m.output("acc", width: w)
      let word = m.output("word", width: w)
      let total = m.register("total", reset: pattern)
      let words = m.memory("words", depth: 4, width: w)
      total <== total + d
      when(write) { words[address] <== ~d }
      acc <== total
      word <== words[address]
    }
    let design = try Design(top: top)
    var rng = SeededGenerator(seed: 4096)
    let rows = [["rst": bv(1, 1), "write": bv(0, 1)]] + (0..<12).map { i in
      ["rst": bv(0, 1), "d": rng.vector(width: w), "address": bv(i % 4, 2), "write": bv(i < 4 ? 1 : rng.int(0...1), 1)]
    }
    var total = pattern
    var words: [BitVector?] = [nil, nil, nil, nil]
    for (cycle, (row, out)) in zip(rows, try simulate(design, rows)).enumerated() where cycle > 0 {
      let d = row["d"]!, a = Ref.value(row["address"]!)
      expect(out, "acc", total, "cycle \(cycle)")
      if let word = words[a] { expect(out, "word", word, "cycle \(cycle)") }
      total = Ref.add(total, d)
      if !row["write"]!.isZero { words[a] = Ref.not(d) }
    }
    try assertVerilatorClean(design)
  }

  func testWidthsAndSignednessOfResults() {
    let top = Module("shapes") { m in
      let a = m.input("a", width: 8)
      let b = m.input("b", width: 3, signed: true)
      let y = m.output("y")
      y <== a.reduceOr() ^ b.reduceOr()
      // Each expression below is inspected, not emitted.
      let _ = {
        XCTAssertEqual((a + a).width, 8)
        XCTAssertEqual((a * a).width, 16)
        XCTAssertEqual(a.addingWithCarry(a).width, 9)
        XCTAssertEqual((a == a).width, 1)
        XCTAssertEqual(concat(a, a, a[0]).width, 17)
        XCTAssertEqual(a.replicated(4).width, 32)
        XCTAssertEqual((a << 3).width, 8)
        XCTAssertEqual(a[2...5].width, 4)
        XCTAssertTrue(b.isSigned)
        XCTAssertTrue((b + b).isSigned)
        XCTAssertTrue((b >> 1).isSigned)
        XCTAssertFalse(b[0..<2].isSigned, "a slice is unsigned, as in Verilog")
        XCTAssertFalse(concat(b, b).isSigned, "a concatenation is unsigned, as in Verilog")
        XCTAssertFalse(b.asUnsigned.isSigned)
        XCTAssertTrue(a.asSigned.isSigned)
        XCTAssertEqual(b.signExtended(to: 9).width, 9)
      }()
    }
    XCTAssertNoThrow(try Design(top: top))
    XCTAssertEqual(bitsToIndex(1), 1)
    XCTAssertEqual(bitsToIndex(2), 1)
    XCTAssertEqual(bitsToIndex(3), 2)
    XCTAssertEqual(bitsToIndex(16), 4)
    XCTAssertEqual(bitsToIndex(17), 5)
    XCTAssertEqual(bitsToHold(16), 5)
    XCTAssertEqual(bitsToHold(15), 4)
    XCTAssertEqual(bitsToHold(0), 1)
  }
}
