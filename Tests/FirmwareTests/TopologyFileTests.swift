import Foundation
import XCTest
@testable import Firmware
import PCIModel

/// Topology files (docs/firmware.md) become configuration-space models that enumerate to
/// what the depth-first rule says; mistakes are all reported, each with its line.
final class TopologyFileTests: XCTestCase {
  func testTheExampleTopologyEnumeratesToTheLinuxBusNumbers() throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../firmware/topologies/two-switches.yaml").standardized.path
    let topology = try Topology.parse(yaml: try String(contentsOfFile: path, encoding: .utf8), file: path)
    XCTAssertEqual(topology.options.rootMaxPayload, 512)
    let tree = try enumerate(topology.model, options: topology.options)
    assertLinuxRules(tree, topology.model, options: topology.options)
    XCTAssertEqual(busNumbers(topology.model), [
      "rp0": [0, 1, 7], "sw0.up": [1, 2, 7], "sw0.down0": [2, 3, 3], "sw0.down1": [2, 4, 4], "sw0.down2": [2, 5, 7],
      "sw1.up": [5, 6, 7], "sw1.down0": [6, 7, 7], "rp1": [0, 8, 8],
    ])
    XCTAssertEqual(tree.functions.count, 13)
    XCTAssertEqual(tree.function(at: BDF(bus: 7, device: 0, function: 1))?.classCode, 0x040300, "gpu-audio, function 1")
    XCTAssertFalse(topology.model.waits.isEmpty, "the NVMe drive answered CRS for 2000 cycles")
  }

  func testEveryMistakeIsReportedWithItsLine() {
    let yaml = """
      options:
        last_bus: 300
      root:
        - { device: 1, bridge: root_port, below: [ { device: 2 } ] }
        - { device: 4, bars: [ { slot: 0, type: mem32, size: 3000 }, { slot: 5, type: mem64, size: 4KiB } ] }
        - { device: 4, sise: 1 }
      """
    XCTAssertThrowsError(try Topology.parse(yaml: yaml, file: "t.yaml")) { error in
      let text = "\(error)"
      for expected in [
        "t.yaml:2:13: error: options.last_bus: expected 1...255, found 300",
        "t.yaml:4:46: error: root[0].below[0]: a PCIe link below a root or downstream port carries device 0 only",
        "t.yaml:5:56: error: root[1].bars[0].size: a BAR size is a power of two from 16 to 2147483648 bytes",
        "t.yaml:5:72: error: root[1].bars[1].slot: slot 5 is taken or out of range",
        "t.yaml:6:5: error: root[2]: device 4 function 0 appears twice on this bus",
        "t.yaml:6:18: error: root[2]: unknown key sise",
      ] {
        XCTAssertTrue(text.contains(expected), "missing \(expected) in\n\(text)")
      }
    }
  }
}
