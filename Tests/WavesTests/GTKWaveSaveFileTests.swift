import Foundation
import Waves
import XCTest

/// Save files in GTKWave's format (GTKWave manual, appendix "Save file syntax"; trace flags from
/// its analyzer.h): each signal named as GTKWave names it from the dump, groups opened and
/// closed, the marker on the `*` line.
final class GTKWaveSaveFileTests: XCTestCase {
  func testSignalsGroupedWithFormatsAndMarker() throws {
    let path = try CounterDumps.icarus()
    let file = try WaveFile(path: path)
    let save = GTKWaveSaveFile(dumpFile: path, groups: [
      .init(name: "clocking", signals: try file.variables(named: ["tb.clk", "tb.rst"])),
      .init(name: "counter", signals: try file.variables(named: ["tb.dut.count", "tb.wide"])),
    ], timescale: file.header.timescale, marker: 4500, from: 0, to: 15200)
    let lines = save.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    XCTAssertEqual(lines.first { $0.hasPrefix("[dumpfile]") }, "[dumpfile] \"\(path)\"")
    let star = try XCTUnwrap(lines.first { $0.hasPrefix("*") }).split(separator: " ")
    // GTKWave counts time in the timescale's unit: this dump's 10 ps units are 10 of its ps each
    // (its status line reads "Marker: 45000 ps" for this file under GTKWave 3.3.118).
    XCTAssertEqual(star[1], "45000", "primary marker at time 4500 of the dump")
    XCTAssertEqual(star.count, 2 + 26, "zoom, marker and the 26 named markers A-Z")
    // GTKWave draws 200 * 2^zoom pixels per ps: the 152000 ps window in at most 1000 pixels
    // needs 2^zoom <= 1000 / (200 * 152000), so zoom -15 (-14 would need 1867 pixels).
    XCTAssertEqual(star[0], "*-15.000000")
    XCTAssertTrue(lines.contains("[timestart] 0"))
    let body = Array(lines.drop { !$0.hasPrefix("@") }.prefix { !$0.hasPrefix("[pattern_trace]") })
    XCTAssertEqual(body, [
      "@800200", "-clocking",          // group begin | blank
      "@28", "tb.clk", "tb.rst",       // right-justified binary
      "@1000200", "-clocking",         // group end | blank
      "@800200", "-counter",
      "@22", "tb.dut.count[7:0]", "tb.wide[255:0]",  // right-justified hex, names with their declared range
      "@1000200", "-counter",
    ])
    XCTAssertTrue(lines.contains("[treeopen] tb.dut."))
  }

  func testEveryNamedSignalIsOneTheDumpDeclares() throws {
    // The names GTKWave looks up are scope path + name + range exactly as the $var lines give them.
    let path = try CounterDumps.icarus()
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var scopes: [String] = []
    var declared: Set<String> = []
    for line in text.split(separator: "\n") {
      let words = line.split(separator: " ").map(String.init)
      if words.first == "$scope" { scopes.append(words[2]) }
      if words.first == "$upscope" { scopes.removeLast() }
      if words.first == "$var" { declared.insert((scopes + [words[4]]).joined(separator: ".") + (words[5] == "$end" ? "" : words[5])) }
    }
    let file = try WaveFile(path: path)
    let save = GTKWaveSaveFile(dumpFile: path, groups: [.init(name: "all", signals: file.header.variables)],
                               timescale: file.header.timescale)
    let named = save.text.split(separator: "\n").filter { !$0.hasPrefix("@") && !$0.hasPrefix("-") && !$0.hasPrefix("[") && !$0.hasPrefix("*") }
    XCTAssertEqual(Set(named.map(String.init)), declared)
  }
}
