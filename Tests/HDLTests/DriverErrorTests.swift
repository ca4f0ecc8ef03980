import XCTest
import HDL

/// Who drives what: two unconditional drivers, undriven and partly driven outputs, wires and
/// child inputs, targets that cannot be driven, signals taken across modules, and
/// combinational loops (with the loop's path through named signals).
final class DriverErrorTests: XCTestCase {
  func testTwoUnconditionalDrivers() {
    let mark = LineMarker()
    let top = Module("t") { m in
      let a = m.input("a")
      let y = m.output("y")
      y <== a; mark.here("first")
      y <== !a; mark.here("second")
    }
    let errors = elaborationErrors(top)
    XCTAssertEqual(errors.count, 1)
    guard let e = errors.first else { return }
    XCTAssertEqual(e.message, "two drivers: `y` is assigned unconditionally at HDLTests/DriverErrorTests.swift:\(mark["first"]) "
                   + "and at HDLTests/DriverErrorTests.swift:\(mark["second"]); keep one, or make the later one conditional with `when`")
    XCTAssertEqual(e.location.line, mark["second"])
  }

  func testUndrivenOutputAndWire() {
    let mark = LineMarker()
    let output = Module("t") { m in
      let y = m.output("y", width: 3); mark.here()
      let _ = y
    }
    assertSingleError(output, contains: ["output `y` is never driven", "drive it with `<==`"], atLine: mark.line)
    let wire = Module("t") { m in
      let y = m.output("y")
      let w = m.wire("w"); mark.here("wire")
      y <== w
    }
    assertSingleError(wire, contains: ["wire `w` is never driven"], atLine: mark["wire"])
  }

  func testDrivenOnSomePathsOnlyWouldBeALatch() {
    let mark = LineMarker()
    let top = Module("t") { m in
      let c = m.input("c", width: 2)
      let y = m.output("y", width: 2); mark.here()
      when(c == 1) { y <== 1 }.elseWhen(c == 2) { y <== 2 }
    }
    assertSingleError(top, contains: ["output `y` is not driven on every path (it would be a latch)", "add `.otherwise`"], atLine: mark.line)
    let covered = Module("t") { m in
      let c = m.input("c", width: 2)
      let y = m.output("y", width: 2)
      when(c == 1) { y <== 1 }.otherwise { y <== 2 }
    }
    XCTAssertNoThrow(try Design(top: covered), "every path drives `y`")
  }

  /// A `switchOn` whose arms name every value of its subject needs no `.otherwise`; one that
  /// misses a value does.
  func testExhaustiveSwitchNeedsNoOtherwise() throws {
    let mark = LineMarker()
    func decoder(arms: [Int]) -> Module {
      Module("decoder", parameters: ["arms": arms.count]) { m in
        let s = m.input("s", width: 2)
        let y = m.output("y", width: 4); mark.here()
        switchOn(s) {
          for value in arms { Case(value) { y <== 1 << value } }
        }
      }
    }
    let full = try Design(top: decoder(arms: [0, 1, 2, 3]))
    let out = try simulate(full, (0..<4).map { ["s": bv($0, 2)] }, clock: nil)
    XCTAssertEqual(out.map { $0["y"] }, [bv(1, 4), bv(2, 4), bv(4, 4), bv(8, 4)])
    try assertEveryToolAccepts(full)
    assertSingleError(decoder(arms: [0, 1, 3]), contains: ["output `y` is not driven on every path"], atLine: mark.line)
  }

  func testUndrivenChildInput() {
    let mark = LineMarker()
    let child = Module("child") { m in
      let a = m.input("a")
      let b = m.input("b")
      let y = m.output("y")
      y <== a ^ b
    }
    let top = Module("t") { m in
      let x = m.input("x")
      let y = m.output("y")
      let c = m.instance(child, name: "c"); mark.here()
      c["a"] <== x
      y <== c["y"]
    }
    assertSingleError(top, contains: ["input `b` of instance `c` is never driven"], atLine: mark.line)
  }

  func testTargetsThatCannotBeDriven() {
    let mark = LineMarker()
    let input = Module("t") { m in
      let a = m.input("a")
      let y = m.output("y")
      y <== a
      a <== 1; mark.here()
    }
    assertSingleError(input, contains: ["cannot drive `a`", "it is an input of module `t`"], atLine: mark.line)
    let expression = Module("t") { m in
      let a = m.input("a", width: 2)
      let y = m.output("y", width: 2)
      y <== a
      a + 1 <== 2; mark.here("expression")
    }
    assertSingleError(expression, contains: ["cannot drive an expression", "declare an `m.wire` and drive that"], atLine: mark["expression"])
    let child = Module("child") { m in
      let y = m.output("y")
      y <== 1
    }
    let pin = Module("t") { m in
      let y = m.output("y")
      let c = m.instance(child, name: "c")
      y <== c["y"]
      c["y"] <== 0; mark.here("pin")
    }
    assertSingleError(pin, contains: ["cannot drive `c_y`", "it is the output `y` of instance `c`"], atLine: mark["pin"])
    let readPort = Module("t") { m in
      let a = m.input("a")
      let y = m.output("y", width: 4)
      let mem = m.memory("mem", depth: 2, width: 4)
      let port = mem.readSync(a)
      y <== port
      port <== 3; mark.here("read port")
    }
    assertSingleError(readPort, contains: ["cannot drive `mem_read1`", "it is a synchronous read port", "`mem[address] <== value`"],
                      atLine: mark["read port"])
    let template = Module("t") { m in
      let y = m.output("y")
      let unbound = Stream(width: 4)
      y <== 0
      unbound.valid <== 1; mark.here("template")
    }
    assertSingleError(template, contains: ["it is an interface template that was never bound to ports; pass it to `m.port`"],
                      atLine: mark["template"])
    let missing = Module("t") { m in
      let y = m.output("y")
      let c = m.instance(child, name: "c")
      y <== c["y"]
      c["enable"] <== 1; mark.here("missing")
    }
    assertSingleError(missing, contains: ["module `child` has no port `enable`; it has `y`"], atLine: mark["missing"])
  }

  func testReadingASignalOfAnotherModule() {
    let mark = LineMarker()
    var leaked: Signal?
    let child = Module("child") { m in
      let s = m.input("s")
      let y = m.output("y")
      y <== s
      leaked = s
    }
    let top = Module("t") { m in
      let y = m.output("y")
      let c = m.instance(child, name: "c")
      c["s"] <== 1
      y <== leaked! ^ c["y"]; mark.here()
    }
    assertSingleError(top, contains: ["reads `s` of module `child`", "module `t`", "signals cross modules only through ports"], atLine: mark.line)
  }

  func testDrivingASignalOfAnotherModule() {
    let mark = LineMarker()
    var leaked: Signal?
    let child = Module("child") { m in
      let y = m.output("y")
      let w = m.wire("w")
      w <== 1
      y <== w
      leaked = w
    }
    let top = Module("t") { m in
      let y = m.output("y")
      let c = m.instance(child, name: "c")
      y <== c["y"]
      leaked! <== 0; mark.here()
    }
    assertSingleError(top, contains: ["drives `w` of module `child` from module `t`"], atLine: mark.line)
  }

  func testCombinationalLoopPrintsItsPath() {
    let mark = LineMarker()
    let top = Module("t") { m in
      let a = m.input("a", width: 4)
      let y = m.output("y", width: 4)
      let p = m.wire("p", width: 4)
      let q = m.wire("q", width: 4)
      let r = m.wire("r", width: 4)
      p <== q + a
      q <== r
      r <== p ^ a; mark.here()
      y <== r
    }
    let errors = elaborationErrors(top)
    XCTAssertEqual(errors.count, 1, errors.map(\.description).joined(separator: "\n"))
    guard let e = errors.first else { return }
    XCTAssert(e.message.hasPrefix("combinational loop: "), e.message)
    XCTAssert(e.message.hasSuffix("; break it with a register"), e.message)
    // In the direction values flow (q feeds p, p feeds r, r feeds q), from the first-declared signal.
    XCTAssertEqual(e.message, "combinational loop: p -> r -> q -> p; break it with a register")
    XCTAssertEqual(e.location.line, mark.line, "reported at the assignment that closes the loop: \(e)")
  }

  func testLoopThroughAChildInstance() {
    let mark = LineMarker()
    let passthrough = Module("passthrough") { m in
      let i = m.input("i")
      let o = m.output("o")
      o <== !i
    }
    let top = Module("t") { m in
      let y = m.output("y")
      let c = m.instance(passthrough, name: "c")
      c["i"] <== c["o"]; mark.here()
      y <== c["o"]
    }
    assertSingleError(top, contains: ["combinational loop: ", "c.i -> c.o -> c.i"], atLine: mark.line)
  }

  func testRegistersBreakLoops() throws {
    let top = Module("t") { m in
      let y = m.output("y", width: 4)
      let count = m.register("count", width: 4, reset: 0)
      let next = m.wire("next", width: 4)
      next <== count + 1
      count <== next
      y <== count
    }
    XCTAssertNoThrow(try Design(top: top))
  }
}
