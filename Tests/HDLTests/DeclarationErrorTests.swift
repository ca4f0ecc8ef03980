import XCTest
import HDL

/// Declarations the DSL refuses: names Verilog cannot use or that collide, impossible widths,
/// memories, registers and clock domains used wrongly, and generators that clash or recurse.
/// Each error points at the declaration's Swift line.
final class DeclarationErrorTests: XCTestCase {
  /// A module with one valid output and whatever `body` declares.
  func module(_ name: String = "t", @StatementBuilder _ body: @escaping (ModuleBuilder) -> [Statement]) -> Module {
    Module(name) { m in
      let y = m.output("y")
      y <== 0
      body(m)
    }
  }

  func testNamesVerilogCannotUse() {
    let mark = LineMarker()
    assertSingleError(module { m in let _ = m.input("2fast"); mark.here() },
                      contains: ["`2fast` is not usable as a Verilog name", "starting with a letter"], atLine: mark.line)
    assertSingleError(module { m in let _ = m.input("reg"); mark.here("keyword") },
                      contains: ["`reg` is a Verilog keyword; choose another name"], atLine: mark["keyword"])
    assertSingleError(module { m in let _ = m.input("logic"); mark.here("sv") },
                      contains: ["`logic` is a Verilog keyword"], atLine: mark["sv"])
    // Verilator 5.006 refuses `reg [31:0] mailbox;` with "syntax error, unexpected TYPE-IDENTIFIER".
    assertSingleError(module { m in let _ = m.input("mailbox"); mark.here("class") },
                      contains: ["`mailbox` is a Verilog keyword"], atLine: mark["class"])
  }

  func testNameDeclaredTwice() {
    let mark = LineMarker()
    let top = module { m in
      let a = m.input("a"); mark.here("first")
      let b = m.input("a"); mark.here("second")
      let _ = (a, b)
    }
    assertSingleError(top, contains: ["`a` is declared twice in module `t`", "first at HDLTests/DeclarationErrorTests.swift:"],
                      atLine: mark["second"])
  }

  func testFSMStatesClaimTheirLocalparams() {
    enum Mode: CaseIterable { case on, off }
    let mark = LineMarker()
    let top = module { m in
      let w = m.wire("MODE_OFF"); mark.here("wire")
      let f = m.fsm("mode", Mode.self, initial: .off); mark.here("fsm")
      w <== f.isIn(.on)
      f.goto(.on)
    }
    assertSingleError(top, contains: ["`MODE_OFF` is declared twice", "DeclarationErrorTests.swift:\(mark["wire"])"], atLine: mark["fsm"])
  }

  func testNamesThatHideOtherNames() {
    let mark = LineMarker()
    assertSingleError(module("ram") { m in let _ = m.memory("ram", depth: 4, width: 8); mark.here() },
                      contains: ["`ram` is also the name of its module", "VARHIDDEN"], atLine: mark.line)
    let child = Module("child") { m in
      let count = m.output("count", width: 4)
      count <== 3
    }
    let top = module { m in let _ = m.instance(child, name: "count"); mark.here("instance") }
    assertSingleError(top, contains: ["instance `count` has the name of a signal inside module `child`", "choose another instance name"],
                      atLine: mark["instance"])
  }

  func testWidthsOutOfRange() {
    let mark = LineMarker()
    assertSingleError(module { m in let _ = m.input("w", width: 0); mark.here() },
                      contains: ["`w` has width 0; widths run from 1 to 65536 bits"], atLine: mark.line)
    assertSingleError(module { m in let _ = m.input("i", width: 70_000); mark.here("wide") },
                      contains: ["`i` has width 70000"], atLine: mark["wide"])
  }

  func testMemoryDeclarationsAndPorts() {
    let mark = LineMarker()
    assertSingleError(module { m in let _ = m.memory("one", depth: 1, width: 8); mark.here() },
                      contains: ["memory `one` has depth 1; a memory needs at least 2 words (use a register for one)"], atLine: mark.line)
    assertSingleError(module { m in let _ = m.memory("thin", depth: 4, width: 0); mark.here("width") },
                      contains: ["memory `thin` has width 0; words need at least 1 bit"], atLine: mark["width"])
    assertSingleError(module { m in let _ = m.memory("rom", depth: 2, width: 8, initial: [1, 2, 3]); mark.here("initial") },
                      contains: ["memory `rom` has 2 words but 3 initial values"], atLine: mark["initial"])
    let address = module { m in
      let a = m.input("a", width: 3)
      let q = m.output("q", width: 8)
      let mem = m.memory("mem", depth: 16, width: 8)
      q <== mem[a]; mark.here("address")
    }
    assertSingleError(address, contains: ["memory `mem` of 16 words takes a 4-bit address but `a` has 3 bits"], atLine: mark["address"])
    let enable = module { m in
      let a = m.input("a", width: 4)
      let e = m.input("e", width: 2)
      let q = m.output("q", width: 8)
      let mem = m.memory("mem", depth: 16, width: 8)
      q <== mem.readSync(a, enable: e); mark.here("enable")
    }
    assertSingleError(enable, contains: ["the enable of `mem_read1` must be 1 bit, not 2"], atLine: mark["enable"])
  }

  func testRegisterDeclarations() {
    let mark = LineMarker()
    assertSingleError(module { m in let r = m.register("r", width: 4, reset: 20); mark.here(); r <== 1 },
                      contains: ["reset value of register `r`", "the constant 20 does not fit in 4 bits"], atLine: mark.line)
    let enable = module { m in
      let e = m.input("e", width: 3)
      let r = m.register("r", width: 4, enable: e); mark.here("enable")
      r <== 1
    }
    assertSingleError(enable, contains: ["the enable of register `r` must be 1 bit but `e` has 3 bits"], atLine: mark["enable"])
    let domain = module { m in
      let noReset = ClockDomain(clock: m.input("clk2"), reset: nil)
      let r = m.register("r", width: 4, reset: 0, domain: noReset); mark.here("domain")
      r <== 1
    }
    assertSingleError(domain, contains: ["register `r` has a reset value but its clock domain has no reset", "pass reset: nil"],
                      atLine: mark["domain"])
  }

  func testClockFromAnotherModule() {
    let mark = LineMarker()
    var foreignClock: Signal?
    let child = Module("child") { m in
      let clk = m.input("fast_clk")
      let y = m.output("y")
      y <== clk
      foreignClock = clk
    }
    let top = module { m in
      let c = m.instance(child, name: "c")
      let r = m.register("r", reset: nil, domain: ClockDomain(clock: foreignClock!, reset: nil)); mark.here()
      c["fast_clk"] <== 0
      r <== c["y"]
    }
    let errors = elaborationErrors(top)
    XCTAssert(errors.contains { $0.message == "register `r` is clocked or reset by `fast_clk` of another module" && $0.location.line == mark.line },
              errors.map(\.description).joined(separator: "\n"))
  }

  func testTwoGeneratorsMakingOneName() {
    let mark = LineMarker()
    let first = Module("block") { m in let y = m.output("y"); y <== 0 }; mark.here("first")
    let second = Module("block") { m in let y = m.output("y"); y <== 1 }; mark.here("second")
    let top = module { m in
      let a = m.instance(first, name: "a")
      let b = m.instance(second, name: "b")
      let z = m.output("z")
      z <== a["y"] ^ b["y"]
    }
    assertSingleError(top, contains: ["two different generators make a module named `block`",
                                      "(the other is at HDLTests/DeclarationErrorTests.swift:\(mark["second"]))", "distinguishing parameter"],
                      atLine: mark["first"])
  }

  func testRecursiveInstantiation() {
    let mark = LineMarker()
    func tower(_ n: Int) -> Module {
      mark.here(); return Module("tower") { m in
        let y = m.output("y")
        let inner = m.instance(tower(n - 1), name: "inner")
        y <== inner["y"]
      }
    }
    let errors = elaborationErrors(tower(2))
    XCTAssertEqual(errors.map(\.message), ["module `tower` instantiates itself; hardware recursion needs a parameter that changes and ends it"])
    XCTAssertEqual(errors.first?.location.line, mark.line, "reported at the generator's `Module(...)` line")
  }

  func testUnboundInterfaceTemplate() {
    let mark = LineMarker()
    let top = module { m in
      let z = m.output("z", width: 8)
      let template = Stream(width: 8)
      z <== template.data; mark.here()
    }
    assertSingleError(top, contains: ["reads an interface template that was never bound to ports", "`m.port`"], atLine: mark.line)
  }
}
