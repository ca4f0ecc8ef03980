import Waves
import XCTest

/// Value text as VCD writes it, IEEE 1364-2005 §18.2.1: a vector value shorter than its
/// variable is extended on the left with 0 when its leftmost bit is 0 or 1, with x when it is x,
/// with z when it is z.
final class WaveValueTests: XCTestCase {
  func testLeftExtensionRules() {
    XCTAssertEqual(WaveValue("10", width: 6).description, "000010")
    XCTAssertEqual(WaveValue("x1", width: 5).description, "xxxx1")
    XCTAssertEqual(WaveValue("z0", width: 4).description, "zzz0")
    XCTAssertEqual(WaveValue("1", width: 1).description, "1")
    XCTAssertEqual(WaveValue("0110", width: 2).description, "10", "longer than declared: the low bits are kept")
  }

  func testUppercaseAndNineValueLettersFoldToFourStates() {
    XCTAssertEqual(WaveValue("XZ", width: 2).description, "xz")
    XCTAssertEqual(WaveValue("HLU-", width: 4).description, "10xx")
  }

  func testHexDigitsPerFourBitsFromTheRight() {
    XCTAssertEqual(WaveValue("101011110", width: 9).hex, "15e")
    XCTAssertEqual(WaveValue("1x0011110000", width: 12).hex, "xf0")
    XCTAssertEqual(WaveValue("zzzz0001", width: 8).hex, "z1")
    XCTAssertEqual(WaveValue("z1000001", width: 8).hex, "Z1", "partly floating digit")
    XCTAssertEqual(WaveValue("zzzzz", width: 5).hex, "zz", "padding copies a leading z")
  }

  func testIntegerOnlyWhenKnownAndAtMost64Bits() {
    XCTAssertEqual(WaveValue(width: 64, value: .max).unsignedValue, .max)
    XCTAssertNil(WaveValue("1" + String(repeating: "0", count: 64), width: 65).unsignedValue)
    XCTAssertEqual(WaveValue("0" + String(repeating: "1", count: 64), width: 65).unsignedValue, .max)
    XCTAssertNil(WaveValue("1x", width: 2).unsignedValue)
  }

  func testTimescaleText() {
    XCTAssertEqual(Timescale("1 ns"), Timescale(magnitude: 1, unit: .ns))
    XCTAssertEqual(Timescale("100fs"), Timescale(magnitude: 100, unit: .fs))
    XCTAssertNil(Timescale("3ns"), "IEEE 1364 allows only 1, 10 and 100")
    XCTAssertNil(Timescale("1 lightyear"))
    XCTAssertEqual(Timescale(magnitude: 10, unit: .us).seconds, 1e-5, accuracy: 1e-20)
  }

  func testTimeSpecifications() {
    XCTAssertEqual(WaveTimeSpec("1200"), .time(1200))
    XCTAssertEqual(WaveTimeSpec("300c"), .cycle(300))
    XCTAssertEqual(WaveTimeSpec("end"), .fromEnd(0, cycles: false))
    XCTAssertEqual(WaveTimeSpec("end-100c"), .fromEnd(100, cycles: true))
    XCTAssertEqual(WaveTimeSpec("end-7"), .fromEnd(7, cycles: false))
    XCTAssertNil(WaveTimeSpec("soon"))
    XCTAssertNil(WaveTimeSpec("-5"))
    let clock = WaveClock(variable: WaveVariable(kind: "wire", width: 1, code: "!", name: "clk", range: nil, scope: ["t"]),
                          firstRise: 5, period: 10)
    XCTAssertEqual(try WaveTimeSpec("end-3c")!.resolve(clock: { clock }, end: { 100 }), 70)
    XCTAssertEqual(try WaveTimeSpec("4c")!.resolve(clock: { clock }, end: { 100 }), 45)
    XCTAssertEqual(clock.cycle(at: 36), 4, "cycle 4 ends with edge 4 at 45")
    XCTAssertEqual(clock.cycle(at: 45), 4)
    XCTAssertEqual(clock.cycle(at: 46), 5)
    XCTAssertEqual(clock.cycle(at: 0), 0)
  }
}
