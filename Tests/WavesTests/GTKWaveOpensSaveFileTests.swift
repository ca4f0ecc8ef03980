import Foundation
import Waves
import XCTest

/// GTKWave itself (under Xvfb) opens a dump with a save file written by `GTKWaveSaveFile` and
/// reports, through its Tcl interface, the signals it shows, its marker and its view; it also
/// grabs a screenshot into artifacts/waves-samples/ for a person to look at.
final class GTKWaveOpensSaveFileTests: XCTestCase {
  func testGTKWaveShowsTheSignalsMarkerAndWindowTheSaveFileAsksFor() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/xvfb-run"),
          FileManager.default.isExecutableFile(atPath: "/usr/bin/gtkwave") else {
      throw XCTSkip("gtkwave or xvfb-run missing: scripts/setup installs gtkwave and xvfb")
    }
    let dump = try CounterDumps.icarus()
    let file = try WaveFile(path: dump)
    let names = ["tb.clk", "tb.dut.count", "tb.state", "tb.wide"]
    // Edge 6 of the 10 ns clock at 65 ns; 3 cycles before, 2 after (dump units of 10 ps).
    let save = GTKWaveSaveFile(dumpFile: dump, groups: [.init(name: "counter", signals: try file.variables(named: names))],
                               timescale: file.header.timescale, marker: 6500, from: 3500, to: 8500)
    let folder = URL(fileURLWithPath: dump).deletingLastPathComponent()
    let gtkw = folder.appendingPathComponent("opened.gtkw"), script = folder.appendingPathComponent("query.tcl")
    try save.text.write(to: gtkw, atomically: true, encoding: .utf8)
    let samples = ArtifactFolder.url.appendingPathComponent("waves-samples")
    try FileManager.default.createDirectory(at: samples, withIntermediateDirectories: true)
    let screenshot = samples.appendingPathComponent("gtkwave.png")
    try? FileManager.default.removeItem(at: screenshot)
    try """
      puts "signals: [gtkwave::getDisplayedSignals]"
      puts "marker: [gtkwave::getMarker]"
      puts "start: [gtkwave::getWindowStartTime]"
      puts "end: [gtkwave::getWindowEndTime]"
      gtkwave::/File/Grab_To_File \(screenshot.path)
      gtkwave::/File/Quit
      """.write(to: script, atomically: true, encoding: .utf8)
    let output = try DumpMaker.run("xvfb-run", ["-a", "-s", "-screen 0 1400x800x24", "gtkwave", dump, gtkw.path,
                                                "--script", script.path], in: folder)
    func reported(_ key: String) -> String? {
      output.split(separator: "\n").first { $0.hasPrefix(key + ": ") }.map { String($0.dropFirst(key.count + 2)) }
    }
    XCTAssertEqual(reported("signals")?.split(separator: " ").map(String.init),
                   ["tb.clk", "tb.dut.count[7:0]", "tb.state[1:0]", "tb.wide[255:0]"], output)
    XCTAssertEqual(reported("marker"), "65000", "GTKWave counts this dump's time in ps: 6500 units of 10 ps")
    XCTAssertEqual(reported("start"), "35000")
    let end = try XCTUnwrap(reported("end").flatMap(UInt64.init), output)
    XCTAssertGreaterThanOrEqual(end, 85000, "the whole window is in view")
    XCTAssertLessThan(end, 35000 + 4 * 50000, "zoomed to the window, not to the whole dump")
    let png = try Data(contentsOf: screenshot)
    XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4e, 0x47], "a PNG screenshot")
    print("GTKWave screenshot: \(screenshot.path)")
  }
}
