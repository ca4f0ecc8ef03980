import Foundation
import XCTest
import HDL
import Toolchain

/// Memories with initial contents, two write ports, asynchronous and synchronous read ports,
/// simulated under Icarus against an array in Swift, and accepted by Verilator and Yosys.
/// A synchronous read in the cycle of a write to the same word returns the old word
/// (read-first, as nonblocking assignments give: IEEE 1364-2005 §9.2.2).
final class MemoryTests: XCTestCase {
  static let depth = 12
  static let initial = (0..<depth).map { ($0 * 0x1111 + 0x0f0f) & 0xffff }
  static let wideInitial = (0..<5).map { i in Ref.concat([bv(0x5a + i, 8), BitVector.ones(width: 100), bv(i, 92)]) }

  func memories() -> Module {
    Module("memories") { m in
      let (wa0, wd0, we0) = (m.input("wa0", width: 4), m.input("wd0", width: 16), m.input("we0"))
      let (wa1, wd1, we1) = (m.input("wa1", width: 4), m.input("wd1", width: 16), m.input("we1"))
      let (ra0, ra1, ra2, re) = (m.input("ra0", width: 4), m.input("ra1", width: 4), m.input("ra2", width: 4), m.input("re"))
      let wideAddress = m.input("wide_address", width: 3)
      let words = m.memory("words", depth: Self.depth, width: 16, initial: Self.initial)
      let wide = m.memory("wide", depth: 5, width: 200, initial: Self.wideInitial)
      let (r0, r1, r2, r3) = (m.output("r0", width: 16), m.output("r1", width: 16), m.output("r2", width: 16), m.output("r3", width: 16))
      let w = m.output("w", width: 200)

      when(we0) { words[wa0] <== wd0 }
      // A later write port wins when both write one word.
      when(we1) { words[wa1] <== wd1 }
      r0 <== words[ra0]
      r1 <== words[ra1]
      r2 <== words.readSync(ra2, enable: re, name: "held")
      r3 <== words.readSync(ra0)
      w <== wide[wideAddress]
    }
  }

  func testPortsAndInitialContentsUnderIcarus() throws {
    let design = try Design(top: memories())
    var rng = SeededGenerator(seed: 31)
    let rows = (0..<600).map { _ -> [String: BitVector] in
      var row: [String: BitVector] = ["we0": rng.bit(), "we1": bv(rng.int(0...3) == 0 ? 1 : 0, 1), "re": rng.bit(),
                                      "wd0": rng.vector(width: 16), "wd1": rng.vector(width: 16),
                                      "wide_address": bv(rng.int(0...4), 3)]
      for port in ["wa0", "wa1", "ra0", "ra1", "ra2"] { row[port] = bv(rng.int(0...(Self.depth - 1)), 4) }
      return row
    }
    let results = try simulate(design, rows)
    var contents = Self.initial
    var held: Int?, r3: Int?
    for (cycle, (row, out)) in zip(rows, results).enumerated() {
      let v = { (port: String) in Ref.value(row[port]!) }
      let context = "cycle \(cycle)"
      expect(out, "r0", bv(contents[v("ra0")], 16), context)
      expect(out, "r1", bv(contents[v("ra1")], 16), context)
      if let held { expect(out, "r2", bv(held, 16), context) } else { XCTAssertNil(out["r2"], "no read yet; \(context)") }
      if let r3 { expect(out, "r3", bv(r3, 16), context) }
      expect(out, "w", Self.wideInitial[v("wide_address")], context)
      // At the edge: synchronous reads see the words before this cycle's writes.
      if v("re") == 1 { held = contents[v("ra2")] }
      r3 = contents[v("ra0")]
      if v("we0") == 1 { contents[v("wa0")] = v("wd0") }
      if v("we1") == 1 { contents[v("wa1")] = v("wd1") }
    }
    XCTAssertNotEqual(contents, Self.initial, "the stimulus wrote the memory")
  }

  func testVerilatorAndYosysAcceptMemories() throws {
    let design = try Design(top: memories())
    try assertVerilatorClean(design)
    let dir = VerilogFiles.temporaryDirectory("yosys")
    defer { try? FileManager.default.removeItem(at: dir) }
    let yosys = try Lint.yosys(try VerilogFiles(design, in: dir))
    XCTAssert(yosys.isClean, "\(yosys)")
    XCTAssertGreaterThan(yosys.cells ?? 0, 0)
  }

  /// A memory needs only the clock: a module with nothing but a memory has no `rst` input.
  func testMemoryWithoutRegistersHasNoReset() throws {
    let design = try Design(top: Module("ram") { m in
      let address = m.input("address", width: 3)
      let data = m.input("data", width: 8)
      let write = m.input("write")
      let q = m.output("q", width: 8)
      let ram = m.memory("cells", depth: 8, width: 8)
      when(write) { ram[address] <== data }
      q <== ram.readSync(address)
    })
    XCTAssertEqual(design.topPorts.map(\.name), ["clk", "address", "data", "write", "q"])
    XCTAssertEqual(design.warnings, [])
    try assertVerilatorClean(design)
  }

  func testAddressWidthFollowsDepth() {
    var widths: [Int] = []
    _ = try? Design(top: Module("depths") { m in
      let y = m.output("y")
      y <== 0
      let _ = {
        widths = [2, 3, 4, 5, 16, 17, 1000].map { m.memory("m\($0)", depth: $0, width: 1).addressWidth }
      }()
    })
    XCTAssertEqual(widths, [1, 2, 2, 3, 4, 5, 10])
  }
}
