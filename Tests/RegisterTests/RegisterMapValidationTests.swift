import XCTest
import Cores

/// A register map with a mistake is refused whole, with a message that names the register and
/// field and says what would fix it.
final class RegisterMapValidationTests: XCTestCase {
  func rw(_ name: String, _ bits: ClosedRange<Int>, reset: UInt32 = 0, hardware: FieldHardware = []) -> Field {
    Field(name, bits: bits, access: .readWrite, reset: reset, description: "x", hardware: hardware)
  }

  /// The problems reported for a map of `registers`, or [] when it is accepted.
  func problems(_ registers: [Register], baseAddress: UInt64 = 0) -> [String] {
    do {
      _ = try RegisterMap(name: "block", baseAddress: baseAddress, registers: registers)
      return []
    } catch let error as RegisterMapError {
      XCTAssertTrue(error.description.hasPrefix("register map `block` is invalid:"))
      return error.problems
    } catch {
      XCTFail("unexpected \(error)")
      return []
    }
  }

  func assertProblem(_ registers: [Register], baseAddress: UInt64 = 0, contains parts: [String],
                     file: StaticString = #filePath, line: UInt = #line) {
    let found = problems(registers, baseAddress: baseAddress)
    XCTAssertTrue(found.contains { p in parts.allSatisfy { p.contains($0) } },
                  "expected a problem mentioning \(parts), got \(found)", file: file, line: line)
  }

  func testAWellFormedMapIsAccepted() {
    XCTAssertEqual(problems([Register("A", offset: 0, description: "", fields: [rw("X", 0...31)])]), [])
  }

  /// The example in docs/registers.md.
  func testTheGuideExampleIsValid() throws {
    let map = try RegisterMap(name: "timer", baseAddress: 0x2000_0000, registers: [
      Register("CONTROL", offset: 0x0, description: "Timer control.", fields: [
        Field("ENABLE", bit: 0, access: .readWrite, description: "Count while 1.", hardware: [.output]),
        Field("PRESCALE", bits: 8...15, access: .readWrite, reset: 3, description: "Divide the clock by PRESCALE + 1.", hardware: [.output]),
        Field("MODE", bits: 16...17, access: .readWrite, description: "What happens at zero.", hardware: [.output],
              values: [FieldValue("ONE_SHOT", 0, "Stop."), FieldValue("PERIODIC", 1, "Reload and count again.")]),
      ]),
      Register("STATUS", offset: 0x4, description: "Events.", fields: [
        Field("EXPIRED", bit: 0, access: .writeOneToClear, description: "The count reached zero.", hardware: [.set, .output]),
      ]),
      Register("COUNT", offset: 0x8, description: "The current count.", fields: [
        Field("VALUE", bits: 0...31, access: .readOnly, description: "Counts down.", hardware: [.input]),
      ]),
    ])
    XCTAssertEqual(map.registers.map(\.resetValue), [0x300, 0, 0])
    XCTAssertEqual(map.addressWidth, 4)
  }

  func testRegisterPlacement() {
    assertProblem([Register("A", offset: 0x6, description: "", fields: [rw("X", 0...0)])],
                  contains: ["register A", "0x6 is not 4-byte aligned", "use 0x4 or 0x8"])
    assertProblem([Register("A", offset: 0x4, description: "", fields: [rw("X", 0...0)]),
                   Register("B", offset: 0x4, description: "", fields: [rw("X", 0...0)])],
                  contains: ["register B overlaps register A at offset 0x4", "free offset such as 0x8"])
    assertProblem([Register("A", offset: 0, description: "", fields: [rw("X", 0...0)])], baseAddress: 0x1002,
                  contains: ["base address 0x1002 is not 4-byte aligned"])
    assertProblem([Register("A", offset: 0, description: "", fields: [])], contains: ["register A has no fields", "bits: 0...31"])
  }

  func testFieldPlacementAndResetValues() {
    assertProblem([Register("A", offset: 0, description: "", fields: [rw("X", 28...35)])],
                  contains: ["register A, field X", "bits 28...35 are outside the 32-bit register", "within 0...31"])
    assertProblem([Register("A", offset: 0, description: "", fields: [rw("X", 0...7), rw("Y", 4...11)])],
                  contains: ["register A, field Y", "overlap field X at bit 4"])
    assertProblem([Register("A", offset: 0, description: "", fields: [rw("X", 0...2, reset: 9)])],
                  contains: ["register A, field X", "reset value 0x9 does not fit in 3 bit(s)", "largest is 0x7"])
  }

  func testNames() {
    assertProblem([Register("A", offset: 0, description: "", fields: [rw("X", 0...0)]),
                   Register("a", offset: 4, description: "", fields: [rw("X", 0...0)])],
                  contains: ["register a", "used twice (also register A)"])
    assertProblem([Register("A", offset: 0, description: "", fields: [rw("X", 0...0), rw("x", 1...1)])],
                  contains: ["register A, field x", "two fields of this name"])
    assertProblem([Register("2FAST", offset: 0, description: "", fields: [rw("X", 0...0)])],
                  contains: ["register 2FAST", "starting with a letter"])
    assertProblem([Register("A", offset: 0, description: "", fields: [rw("FIELD", 0...0)])],
                  contains: ["field FIELD", "SystemRDL keyword"])
    assertProblem([Register("A", offset: 0, description: "", fields: [rw("X__Y", 0...0)])],
                  contains: ["field X__Y", "empty word between underscores"])
  }

  func testGeneratedNamesThatWouldClash() {
    // Register A_B's field C and register A's field B_C would both own `a_b_c_out`.
    assertProblem([Register("A_B", offset: 0, description: "", fields: [rw("C", 0...0, hardware: .output)]),
                   Register("A", offset: 4, description: "", fields: [rw("B_C", 0...0, hardware: .output)])],
                  contains: ["register A, field B_C", "`a_b_c_out`", "register A_B, field C"])
    // A_1 and A1 are both the Swift type `A1`.
    assertProblem([Register("A_1", offset: 0, description: "", fields: [rw("X", 0...0)]),
                   Register("A1", offset: 4, description: "", fields: [rw("X", 0...0)])],
                  contains: ["register A1", "Swift type `A1`"])
    assertProblem([Register("A", offset: 0, description: "", fields: [rw("RAW_VALUE", 0...0)])],
                  contains: ["field RAW_VALUE", "`rawValue`"])
  }

  func testHardwareHooksMustSuitTheAccess() {
    assertProblem([Register("A", offset: 0, description: "", fields: [rw("X", 0...3, hardware: .input)])],
                  contains: ["field X", "`.input`", "needs access .readOnly, not RW"])
    assertProblem([Register("A", offset: 0, description: "", fields: [
      Field("X", bits: 0...3, access: .readOnly, reset: 2, description: "", hardware: .input)])],
                  contains: ["field X", "comes from hardware", "remove `reset:`"])
    assertProblem([Register("A", offset: 0, description: "", fields: [
      Field("X", bit: 0, access: .readOnly, description: "", hardware: .set)])],
                  contains: ["field X", "no flip-flop for `.set`/`.clear`", ".readToClear"])
    assertProblem([Register("A", offset: 0, description: "", fields: [
      Field("X", bit: 0, access: .readToClear, description: "", hardware: [.set, .writePulse])])],
                  contains: ["field X", "`.writePulse` on a RC field would never fire"])
    assertProblem([Register("A", offset: 0, description: "", fields: [
      Field("X", bits: 0...3, access: .readOnly, description: "", hardware: [.input, .load])])],
                  contains: ["field X", "`.load`", "`.input`", "keep one of them"])
    XCTAssertEqual(problems([Register("A", offset: 0, description: "", fields: [
      Field("X", bits: 0...3, access: .readOnly, description: "", hardware: [.load, .set, .clear])])]), [],
                   "a loaded read-only field has a flip-flop, so `.set`/`.clear` have something to act on")
  }

  func testProblemsStartWithTheLineThatDescribesTheCulprit() {
    let registerLine = #line + 1
    let register = Register("A", offset: 0x3, description: "", fields: [
      rw("OK", 0...3),
      Field("WIDE", bits: 30...33, access: .readWrite, description: "x"),
    ])
    let fieldLine = registerLine + 2
    let found = problems([register])
    XCTAssertEqual(found.count, 2, "\(found)")
    XCTAssertTrue(found.contains { $0.hasPrefix("RegisterTests/RegisterMapValidationTests.swift:\(registerLine): register A: offset 0x3") }, "\(found)")
    XCTAssertTrue(found.contains { $0.hasPrefix("RegisterTests/RegisterMapValidationTests.swift:\(fieldLine): register A, field WIDE") }, "\(found)")
  }

  func testNamedValues() {
    func field(_ values: [FieldValue], name: String = "MODE") -> [Register] {
      [Register("A", offset: 0, description: "", fields: [Field(name, bits: 0...1, access: .readWrite, description: "", values: values)])]
    }
    assertProblem(field([FieldValue("HIGH", 4, "")]), contains: ["field MODE, value HIGH", "4 does not fit in the field's 2 bit(s)", "largest is 3"])
    assertProblem(field([FieldValue("ON", 1, ""), FieldValue("ENABLED", 1, "")]),
                  contains: ["value ENABLED", "1 is also the value of ON"])
    assertProblem(field([FieldValue("ON", 1, ""), FieldValue("on", 2, "")]), contains: ["value on", "already has a value named ON"])
    assertProblem(field([FieldValue("A", 1, "")], name: "TYPE"), contains: ["field TYPE", "Swift type `Type`", "rename the field"])
    XCTAssertEqual(problems(field([FieldValue("OFF", 0, ""), FieldValue("ON", 3, "")])), [])
  }

  func testEveryProblemIsReportedAtOnce() {
    let found = problems([Register("A", offset: 2, description: "", fields: [rw("X", 0...40), rw("Y", 0...1, reset: 4)])])
    XCTAssertEqual(found.count, 3, "\(found)")
  }

  func testSystemControlArguments() {
    XCTAssertThrowsError(try systemControlRegisters(boardID: 70_000)) { error in
      let text = "\(error)"
      XCTAssertTrue(text.contains("boardID 70000 is outside 0...65535"), text)
    }
  }
}
