import XCTest
import Cores

/// The Markdown documentation: every register and field appears with its offset, bits, access
/// and reset value, and each register's table accounts for all 32 bits exactly once.
final class RegisterDocumentationTests: XCTestCase {
  /// The cells of the table rows following the first line that starts with `heading`.
  func tableRows(in doc: String, after heading: String) -> [[String]] {
    let lines = doc.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let start = lines.firstIndex(where: { $0.hasPrefix(heading) }) else { return [] }
    let table = lines[(start + 1)...].drop { !$0.hasPrefix("|") }.prefix { $0.hasPrefix("|") }
    return table.dropFirst(2).map { row in
      row.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }
  }

  func testEveryRegisterAndFieldIsDocumented() throws {
    for map in [try systemControlRegisters(boardID: 0x12), try everyAccessMap()] {
      let doc = registerDocumentation(for: map)
      XCTAssertTrue(doc.hasPrefix("# \(map.name)\n"))
      XCTAssertTrue(doc.contains(String(map.baseAddress, radix: 16)), "the base address appears")
      let summary = tableRows(in: doc, after: "# \(map.name)")
      XCTAssertEqual(summary.count, map.registers.count)
      for (r, row) in zip(map.registers, summary) {
        XCTAssertEqual(UInt64(row[0].dropFirst(2), radix: 16), r.offset, r.name)
        XCTAssertTrue(row[1].hasPrefix("[\(r.name)]"), r.name)
        XCTAssertEqual(row[2], r.accessSummary, r.name)
        XCTAssertEqual(UInt32(row[3].dropFirst(2).prefix(8), radix: 16), r.resetValue, r.name)
        XCTAssertEqual(row[4], r.description, r.name)

        let fields = tableRows(in: doc, after: "## \(r.name)")
        var covered = [Int](repeating: 0, count: 32)
        for row in fields {
          let ends = row[0].split(separator: ":").map { Int($0)! }
          let bits = ends.count == 2 ? ends[1]...ends[0] : ends[0]...ends[0]
          for b in bits { covered[b] += 1 }
          guard row[1] != "—" else {
            XCTAssertEqual(row[2], "reserved", "\(r.name) bits \(row[0])")
            XCTAssertFalse(r.fields.contains { $0.bits.overlaps(bits) }, "\(r.name) bits \(row[0]) are not reserved")
            continue
          }
          guard let f = r.fields.first(where: { $0.name == row[1] }) else { XCTFail("\(r.name): unknown field \(row[1])"); continue }
          XCTAssertEqual(bits, f.bits, "\(r.name).\(f.name)")
          XCTAssertEqual(row[2], f.access.rawValue, "\(r.name).\(f.name)")
          XCTAssertEqual(row[3], f.hardware.contains(.input) ? "from hardware" : "0x" + String(f.reset, radix: 16), "\(r.name).\(f.name)")
          XCTAssertTrue(row[5].hasPrefix(f.description), "\(r.name).\(f.name)")
          for v in f.values {
            XCTAssertTrue(row[5].contains("\(v.value) = \(v.name) (\(v.description))"), "\(r.name).\(f.name) lists \(v.name): \(row[5])")
          }
        }
        XCTAssertEqual(covered, [Int](repeating: 1, count: 32), "\(r.name): every bit in exactly one row")
        XCTAssertEqual(Set(fields.map { $0[1] }).subtracting(["—"]), Set(r.fields.map(\.name)), r.name)
      }
    }
  }

  func testFieldRowsGoFromTheMostSignificantBitAndNameHardwarePorts() throws {
    let doc = registerDocumentation(for: try everyAccessMap())
    let config = tableRows(in: doc, after: "## CONFIG")
    XCTAssertEqual(config.map { $0[0] }, ["31:24", "23:20", "19:12", "11:3", "2:0"])
    XCTAssertEqual(config[0][4], "`config_limit_set` (in), `config_limit_clear` (in), `config_limit_out` (out)")
  }

  func testPipesInDescriptionsDoNotBreakTables() throws {
    let map = try RegisterMap(name: "piped", baseAddress: 0, registers: [
      Register("A", offset: 0, description: "x | y", fields: [Field("B", bits: 0...31, access: .readWrite, description: "p|q")]),
    ])
    let doc = registerDocumentation(for: map)
    XCTAssertTrue(doc.contains("| x \\| y |"))
    XCTAssertTrue(doc.contains("| p\\|q |"))
  }
}
