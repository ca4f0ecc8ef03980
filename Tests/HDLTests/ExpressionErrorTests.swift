import XCTest
import HDL

/// Expressions that cannot be built are refused at elaboration with a message that names the
/// operands and their widths, reported at the Swift line of the statement that uses them.
final class ExpressionErrorTests: XCTestCase {
  /// A module with inputs `a` (4 bits), `b` (8 bits), `s` (4 bits, signed), a 1-bit input `c`
  /// and whatever `body` adds.
  func module(@StatementBuilder _ body: @escaping (ModuleBuilder, _ a: Signal, _ b: Signal, _ s: Signal, _ c: Signal) -> [Statement]) -> Module {
    Module("t") { m in
      let a = m.input("a", width: 4)
      let b = m.input("b", width: 8)
      let s = m.input("s", width: 4, signed: true)
      let c = m.input("c")
      body(m, a, b, s, c)
    }
  }

  func testAssigningAValueOfAnotherWidth() {
    let mark = LineMarker()
    let top = module { m, a, _, _, _ in
      let y = m.output("y", width: 8)
      y <== a; mark.here()
    }
    assertSingleError(top, contains: ["width mismatch", "`y` has 8 bits", "the value assigned has 4 bits", ".zeroExtended(to: 8)"],
                      atLine: mark.line)
  }

  func testBitwiseOperandsOfDifferentWidths() {
    let mark = LineMarker()
    let top = module { m, a, b, _, _ in
      let y = m.output("y", width: 8)
      y <== b & a; mark.here()
    }
    assertSingleError(top, contains: ["width mismatch in `&`", "`b` has 8 bits", "`a` has 4 bits"], atLine: mark.line)
  }

  func testMismatchDeepInsideAnExpressionIsReportedOnce() {
    let mark = LineMarker()
    let top = module { m, a, b, _, c in
      let y = m.output("y", width: 8)
      y <== mux(c, (b ^ a) + 1, b); mark.here()
    }
    assertSingleError(top, contains: ["width mismatch in `^`", "`b` has 8 bits", "`a` has 4 bits"], atLine: mark.line)
  }

  func testLogicalOperatorsNeedOneBit() {
    let mark = LineMarker()
    let top = module { m, a, _, _, c in
      let y = m.output("y")
      y <== c && a; mark.here()
    }
    assertSingleError(top, contains: ["`&&` needs 1-bit operands", "`a` has 4 bits", "use `&`"], atLine: mark.line)
    let not = module { m, a, _, _, _ in
      let y = m.output("y")
      y <== !a; mark.here("not")
    }
    assertSingleError(not, contains: ["`!` needs a 1-bit operand", "`a` has 4 bits", "`x == 0`"], atLine: mark["not"])
  }

  func testMixingSignedAndUnsigned() {
    let mark = LineMarker()
    let top = module { m, a, _, s, _ in
      let y = m.output("y", width: 4)
      y <== a + s; mark.here()
    }
    assertSingleError(top, contains: ["`+` mixes signed `s` and unsigned `a`", ".asSigned or .asUnsigned"], atLine: mark.line)
  }

  func testMuxConditionAndValues() {
    let mark = LineMarker()
    let condition = module { m, a, b, _, _ in
      let y = m.output("y", width: 8)
      y <== mux(a, b, b); mark.here()
    }
    assertSingleError(condition, contains: ["condition of `mux` must be 1 bit", "`a` has 4 bits"], atLine: mark.line)
    let values = module { m, a, b, _, c in
      let y = m.output("y", width: 8)
      y <== mux(c, b, a.zeroExtended(to: 6)); mark.here("values")
    }
    assertSingleError(values, contains: ["width mismatch in `mux`", "true value has 8 bits", "false value 6 bits"], atLine: mark["values"])
  }

  func testResizingTheWrongWay() {
    let mark = LineMarker()
    let truncate = module { m, a, _, _, _ in
      let y = m.output("y", width: 6)
      y <== a.truncated(to: 6); mark.here()
    }
    assertSingleError(truncate, contains: ["cannot truncate `a` of 4 bits to 6 bits"], atLine: mark.line)
    let extend = module { m, _, b, _, _ in
      let y = m.output("y", width: 6)
      y <== b.zeroExtended(to: 6); mark.here("extend")
    }
    assertSingleError(extend, contains: ["cannot zero-extend `b` of 8 bits to 6 bits", ".truncated(to: 6)"], atLine: mark["extend"])
  }

  func testSlicesOutsideTheSignal() {
    let mark = LineMarker()
    let top = module { m, _, b, _, _ in
      let y = m.output("y", width: 4)
      y <== b[6..<10]; mark.here()
    }
    assertSingleError(top, contains: ["bits 6..<10 are outside `b`", "bits 0..<8"], atLine: mark.line)
  }

  func testConstantsThatDoNotFit() {
    let mark = LineMarker()
    let unsigned = module { m, a, _, _, _ in
      let y = m.output("y", width: 4)
      y <== a + 16; mark.here()
    }
    assertSingleError(unsigned, contains: ["the constant 16 does not fit in 4 bits", "needs 5"], atLine: mark.line)
    let signed = module { m, _, _, s, _ in
      let y = m.output("y", width: 4, signed: true)
      y <== s - 9; mark.here("signed")
    }
    assertSingleError(signed, contains: ["the constant 9 does not fit in 4 signed bits", "-8...7"], atLine: mark["signed"])
    let negative = module { m, _, _, _, _ in
      let y = m.output("y", width: 4)
      y <== -1; mark.here("negative")
    }
    assertSingleError(negative, contains: ["the constant -1 is negative but the signal is unsigned"], atLine: mark["negative"])
  }

  func testSelectWithMoreValuesThanItsIndexReaches() {
    let mark = LineMarker()
    let top = module { m, a, b, _, c in
      let y = m.output("y", width: 8)
      y <== select(c, [b, b, ~b]); mark.here()
      let _ = a
    }
    assertSingleError(top, contains: ["`select` has 3 values", "index `c` of 1 bits reaches only 2"], atLine: mark.line)
  }

  func testNegativeShiftAndReplication() {
    let mark = LineMarker()
    let shift = module { m, _, b, _, _ in
      let y = m.output("y", width: 8)
      y <== b << -1; mark.here()
    }
    assertSingleError(shift, contains: ["cannot shift `b` by a negative amount (-1)"], atLine: mark.line)
    let replicate = module { m, _, _, _, c in
      let y = m.output("y")
      y <== c.replicated(0); mark.here("replicate")
    }
    assertSingleError(replicate, contains: ["cannot replicate `c` 0 times"], atLine: mark["replicate"])
  }

  func testConditionsMustBeOneBit() {
    let mark = LineMarker()
    let top = module { m, a, b, _, _ in
      let y = m.output("y", width: 8)
      y <== 0
      when(a) { y <== b }; mark.here()
    }
    assertSingleError(top, contains: ["a `when` condition must be 1 bit", "`a` has 4 bits", "`!= 0`"], atLine: mark.line)
  }

  func testCaseValuesMustMatchTheSubject() {
    let mark = LineMarker()
    let top = module { m, a, b, _, _ in
      let y = m.output("y", width: 8)
      y <== 0
      switchOn(a) { Case(b) { y <== 1 } }; mark.here()
    }
    assertSingleError(top, contains: ["a case value has 8 bits", "subject `a` has 4"], atLine: mark.line)
  }

  func testMisspeltInstancePortSuggestsTheRightOne() {
    let mark = LineMarker()
    let child = Module("child") { m in
      let data = m.input("data", width: 8)
      let y = m.output("y", width: 8)
      y <== data
    }
    let top = Module("top") { m in
      let x = m.input("x", width: 8)
      let y = m.output("y", width: 8)
      let c = m.instance(child, name: "c")
      c["data"] <== x
      y <== c["yy"]; mark.here()
    }
    let errors = elaborationErrors(top)
    XCTAssert(errors.contains { $0.message.contains("module `child` has no port `yy`; did you mean `y`?") && $0.location.line == mark.line },
              errors.map(\.description).joined(separator: "\n"))
  }

  func testEmptySelectionsAndConstantsWithoutBits() {
    let mark = LineMarker()
    let select = module { m, a, _, _, _ in
      let y = m.output("y", width: 8)
      y <== HDL.select(a, []); mark.here()
    }
    assertSingleError(select, contains: ["`select` needs at least one value"], atLine: mark.line)
    let concatenation = module { m, _, _, _, _ in
      let y = m.output("y")
      y <== concat([Signal]()); mark.here("concat")
    }
    assertSingleError(concatenation, contains: ["cannot concatenate no signals"], atLine: mark["concat"])
    let constant = module { m, _, _, _, _ in
      let y = m.output("y")
      y <== Signal.constant(0, width: 0).reduceOr(); mark.here("constant")
    }
    assertSingleError(constant, contains: ["a constant needs a width of at least 1 bit, not 0"], atLine: mark["constant"])
    let ones = module { m, _, _, _, _ in
      let y = m.output("y")
      y <== Signal.ones(width: -2).reduceAnd(); mark.here("ones")
    }
    assertSingleError(ones, contains: ["a constant needs a width of at least 1 bit, not -2"], atLine: mark["ones"])
  }
}
