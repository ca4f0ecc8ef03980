import XCTest
import Cores
import Toolchain

/// The SystemRDL export read back by an independent parser, the PyPI `systemrdl-compiler`
/// (installed by `scripts/setup-systemrdl`), and compared with the Swift description.
final class SystemRDLTests: XCTestCase {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The compiler's view of `rdl` as JSON, or nil when it rejects the text.
  func compile(_ rdl: String) throws -> [String: Any]? {
    let setup = try Toolchain.run(Self.repository.appendingPathComponent("scripts/setup-systemrdl").path, [])
    guard setup.status == 0, let python = setup.output.split(separator: "\n").last.map(String.init) else {
      XCTFail("scripts/setup-systemrdl could not install systemrdl-compiler (needs python3 and PyPI):\n\(setup.output)")
      return nil
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("strata-\(UUID().uuidString).rdl")
    try Data(rdl.utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let dump = try Toolchain.run(python, [Self.repository.appendingPathComponent("scripts/systemrdl-dump.py").path, file.path])
    guard dump.status == 0 else { return nil }
    let json = dump.output.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
    return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
  }

  /// SystemRDL 2.0 (Accellera, 2018), field access properties: `sw` with `onread`/`onwrite`
  /// give the software behaviour of each Strata access type.
  static func software(_ access: Access) -> (sw: String, onread: String?, onwrite: String?) {
    switch access {
    case .readWrite: return ("rw", nil, nil)
    case .readOnly: return ("r", nil, nil)
    case .writeOneToClear: return ("rw", nil, "woclr")
    case .writeOneToSet: return ("rw", nil, "woset")
    case .readToClear: return ("r", "rclr", nil)
    }
  }

  func checkRoundTrip(_ map: RegisterMap) throws {
    guard let top = try compile(systemRDL(for: map)) else { return XCTFail("systemrdl-compiler rejected the export of \(map.name)") }
    XCTAssertEqual(top["name"] as? String, map.name)
    let registers = top["registers"] as? [[String: Any]] ?? []
    XCTAssertEqual(registers.map { $0["name"] as? String }, map.registers.map(\.name))
    for (r, compiled) in zip(map.registers, registers) {
      XCTAssertEqual(compiled["offset"] as? Int, Int(r.offset), r.name)
      XCTAssertEqual(compiled["width"] as? Int, 32, r.name)
      XCTAssertEqual(compiled["desc"] as? String, r.description, r.name)
      let fields = Dictionary(uniqueKeysWithValues: (compiled["fields"] as? [[String: Any]] ?? []).map { ($0["name"] as! String, $0) })
      XCTAssertEqual(Set(fields.keys), Set(r.fields.map(\.name)), r.name)
      for f in r.fields {
        guard let c = fields[f.name] else { continue }
        let place = "\(r.name).\(f.name)"
        XCTAssertEqual(c["lsb"] as? Int, f.lowBit, place)
        XCTAssertEqual(c["msb"] as? Int, f.highBit, place)
        let expected = Self.software(f.access)
        XCTAssertEqual(c["sw"] as? String, expected.sw, place)
        XCTAssertEqual(c["onread"] as? String, expected.onread, place)
        XCTAssertEqual(c["onwrite"] as? String, expected.onwrite, place)
        // SystemRDL 2.0 §9.4: a hardware write with a write enable (`we`) is hardware storing a value.
        let hw = f.hardware.contains(.load) ? (f.hardware.contains(.output) ? "rw" : "w")
          : f.hardware.contains(.input) ? "w" : f.hardware.contains(.output) ? "r" : "na"
        XCTAssertEqual(c["hw"] as? String, hw, place)
        XCTAssertEqual(c["we"] as? Bool, f.hardware.contains(.load), place)
        if f.hardware.contains(.input) {
          XCTAssertTrue(c["reset"] is NSNull, "\(place): a value from hardware has no reset")
        } else {
          XCTAssertEqual(c["reset"] as? Int, Int(f.reset), place)
        }
        XCTAssertEqual(c["hwset"] as? Bool, f.hardware.contains(.set), place)
        XCTAssertEqual(c["hwclr"] as? Bool, f.hardware.contains(.clear), place)
        XCTAssertEqual(c["swmod"] as? Bool, f.hardware.contains(.writePulse), place)
        XCTAssertEqual(c["swacc"] as? Bool, f.hardware.contains(.readPulse), place)
        XCTAssertEqual(c["precedence"] as? String, f.hardware.intersection([.set, .clear]).isEmpty ? "sw" : "hw", place)
        XCTAssertEqual(c["desc"] as? String, f.description, place)
        let encode = c["encode"] as? [[String: Any]]
        XCTAssertEqual(encode == nil, f.values.isEmpty, "\(place): an encode exactly when the field has named values")
        XCTAssertEqual(encode?.map { $0["name"] as? String } ?? [], f.values.map(\.name), place)
        XCTAssertEqual(encode?.map { $0["value"] as? Int } ?? [], f.values.map { Int($0.value) }, place)
        XCTAssertEqual(encode?.map { $0["desc"] as? String } ?? [], f.values.map(\.description), place)
      }
    }
  }

  func testSystemControlRoundTrip() throws { try checkRoundTrip(try systemControlRegisters(boardID: 0xBEEF)) }

  func testEveryAccessTypeRoundTrip() throws { try checkRoundTrip(try everyAccessMap()) }

  /// The harness must be able to fail: the compiler refuses overlapping fields.
  func testTheCompilerRejectsInvalidSystemRDL() throws {
    let broken = systemRDL(for: try everyAccessMap()).replacingOccurrences(of: "THRESHOLD[19:12]", with: "THRESHOLD[3:0]")
    XCTAssertNil(try compile(broken))
  }
}
