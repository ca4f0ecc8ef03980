import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Waves
import XCTest

/// The SVG picture read back as XML: the signals drawn, the value each draws at given times
/// (from the `data-` attributes every drawn value carries), x shading, FSM names, marker and axis.
final class SVGRendererTests: XCTestCase {
  static let stateNames: [UInt64: String] = [0: "IDLE", 1: "RUN", 2: "DONE"]

  func counterPicture(from: UInt64 = 0, to: UInt64 = CounterBench.end, marker: UInt64? = 4500) throws -> (String, WaveWindow) {
    let file = try WaveFile(path: try CounterDumps.icarus())
    let names = ["tb.clk", "tb.rst", "tb.count", "tb.state", "tb.wide", "tb.mixed", "tb.shared"]
    let window = try file.window(try file.variables(named: names), from: from, to: to, clock: try file.clock())
    let options = WaveRenderOptions(marker: marker, valueNames: ["tb.state": SVGRendererTests.stateNames], title: "counter")
    return (SVGRenderer.render(window, options: options), window)
  }

  func parse(_ svg: String) throws -> XMLElement {
    try XCTUnwrap(try XMLDocument(xmlString: svg, options: []).rootElement())
  }

  /// The value a signal's drawing shows at `time`: the drawn element whose span holds it.
  func drawn(_ root: XMLElement, _ signal: String, at time: UInt64, attribute: String = "data-value") throws -> String? {
    let rows = root.descendants(class: "signal").filter { $0["data-name"] == signal }
    XCTAssertEqual(rows.count, 1, "one row for \(signal)")
    for value in rows.first?.descendants(class: "value") ?? [] {
      guard let from = value["data-from"].flatMap(UInt64.init),
            let to = value["data-to"].flatMap(UInt64.init) else { continue }
      if from <= time && time < to { return value[attribute] }
    }
    return nil
  }

  func testEverySignalIsDrawnWithTheBenchValuesAtEachNanosecond() throws {
    let (svg, _) = try counterPicture()
    let root = try parse(svg)
    let rows = root.descendants(class: "signal").compactMap { $0["data-name"] }
    XCTAssertEqual(rows, ["tb.clk", "tb.rst", "tb.count", "tb.state", "tb.wide", "tb.mixed", "tb.shared"])
    for time in stride(from: UInt64(0), to: CounterBench.end, by: Int(CounterBench.nanosecond)) {
      XCTAssertEqual(try drawn(root, "tb.clk", at: time), "\(CounterBench.clk(at: time))", "clk at \(time)")
      let count = CounterBench.count(at: time).map { String($0, radix: 16).leftPadded(to: 2) } ?? "xx"
      XCTAssertEqual(try drawn(root, "tb.count", at: time), count, "count at \(time) in hex")
      let state = CounterBench.state(at: time)
      XCTAssertEqual(try drawn(root, "tb.state", at: time, attribute: "data-label"), SVGRendererTests.stateNames[state],
                     "state at \(time) by name")
      XCTAssertEqual(try drawn(root, "tb.shared", at: time), CounterBench.sharedIsDriven(at: time) ? "a" : "z")
    }
    XCTAssertEqual(try drawn(root, "tb.wide", at: 2000), CounterBench.wideHex)
    XCTAssertEqual(try drawn(root, "tb.mixed", at: 2000, attribute: "data-label"), "1x0z", "narrow partly-unknown values bit by bit")
  }

  func testUnknownValuesAreShadedAndKnownOnesAreNot() throws {
    let root = try parse(try counterPicture().0)
    func fill(_ signal: String, at time: UInt64) throws -> String? {
      let row = root.descendants(class: "signal").first { $0["data-name"] == signal }
      for value in row?.descendants(class: "value") ?? [] {
        guard let from = value["data-from"].flatMap(UInt64.init),
              let to = value["data-to"].flatMap(UInt64.init), from <= time, time < to else { continue }
        let shape = value.descendants(where: { $0.localName == "polygon" }).first ?? value
        return shape["fill"]
      }
      return nil
    }
    XCTAssertEqual(try fill("tb.count", at: 100), "#ff4040", "x before the first edge")
    XCTAssertEqual(try fill("tb.count", at: 2000), "#e8f4e8")
    XCTAssertEqual(try fill("tb.wide", at: 6000), "#ff4040", "low nibble x")
  }

  func testMarkerAndCycleAxisSitWhereTheTimesSay() throws {
    let (svg, window) = try counterPicture(from: 2000, to: 12000, marker: 4500)
    let root = try parse(svg)
    let marker = try XCTUnwrap(root.descendants(class: "marker").first)
    XCTAssertEqual(marker["data-time"], "4500")
    let label = try XCTUnwrap(marker.descendants(class: "marker-label").first?.stringValue)
    XCTAssertEqual(label, "cycle 4 (t=4500)", "edge k at 500 + 1000k ends cycle k")
    let ticks = root.descendants(class: "tick")
    XCTAssertEqual(ticks.compactMap { $0["data-cycle"] }, (2...11).map(String.init),
                   "edges at 2500 ... 11500")
    // The marker line and the tick of cycle 4 share an x coordinate.
    let line = try XCTUnwrap(marker.descendants(where: { $0.localName == "line" }).first)
    let tick4 = try XCTUnwrap(ticks.first { $0["data-cycle"] == "4" })
    XCTAssertEqual(line["x1"], tick4["x1"])
    XCTAssertEqual(window.clock?.period, 1000)
  }

  func testPictureRendersToPNGForAPersonToLookAt() throws {
    guard let rsvg = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first(where: FileManager.default.isExecutableFile) else {
      throw XCTSkip("rsvg-convert missing: scripts/setup installs librsvg2-bin")
    }
    let (svg, _) = try counterPicture()
    let folder = ArtifactFolder.url.appendingPathComponent("waves-samples")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let svgURL = folder.appendingPathComponent("counter.svg"), pngURL = folder.appendingPathComponent("counter.png")
    try svg.write(to: svgURL, atomically: true, encoding: .utf8)
    try? FileManager.default.removeItem(at: pngURL)
    try DumpMaker.run(rsvg, [svgURL.path, "-o", pngURL.path], in: folder)
    let png = try Data(contentsOf: pngURL)
    XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature")
    // IHDR: width and height, big-endian, at bytes 16 and 20 (PNG specification §11.2.2).
    let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
    let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
    let root = try parse(svg)
    XCTAssertEqual(width, Int(Double(try XCTUnwrap(root["width"]))!.rounded(.up)))
    XCTAssertEqual(height, Int(Double(try XCTUnwrap(root["height"]))!.rounded(.up)))
    print("waveform picture: \(pngURL.path)")
  }
}

extension XMLElement {
  /// An attribute's value. (Through `attributes`: on Linux `attribute(forName:)` finds nothing
  /// on elements in the SVG namespace.)
  subscript(_ attribute: String) -> String? { attributes?.first { $0.name == attribute }?.stringValue }

  /// Elements below this one, depth first, that `matches` accepts.
  func descendants(where matches: (XMLElement) -> Bool) -> [XMLElement] {
    var found: [XMLElement] = []
    for case let child as XMLElement in children ?? [] {
      if matches(child) { found.append(child) }
      found += child.descendants(where: matches)
    }
    return found
  }

  /// Elements below this one whose class list contains `name`.
  func descendants(class name: String) -> [XMLElement] {
    descendants { ($0["class"] ?? "").split(separator: " ").contains(Substring(name)) }
  }
}

extension String {
  func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// `artifacts/` at the package root, where CI collects what a run leaves.
enum ArtifactFolder {
  static var url: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("artifacts")
  }
}
