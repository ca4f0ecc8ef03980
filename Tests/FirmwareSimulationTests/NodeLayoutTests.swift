import Cores
import Firmware
import XCTest

/// The firmware's copy of the node's address map and NTB identity agrees with Cores'.
final class NodeLayoutTests: XCTestCase {
  func testTheFirmwaresNodeLayoutIsNodeAddressMap() {
    let layout = NodeLayout(mmioBase: 0x1000_0000, ramBase: 0x4000_0000, ramSize: 1 << 20, clockMHz: 250)
    XCTAssertEqual(layout.systemControl - layout.mmioBase, UInt64(NodeAddressMap.systemControl.lowerBound))
    XCTAssertEqual(layout.pcieSwitch - layout.mmioBase, UInt64(NodeAddressMap.pcieSwitch.lowerBound))
    for j in 0..<NodeAddressMap.maxNTBPorts { XCTAssertEqual(layout.ntb(j) - layout.mmioBase, UInt64(NodeAddressMap.ntb(j).lowerBound)) }
    XCTAssertEqual(NodeLayout.maxNTBPorts, NodeAddressMap.maxNTBPorts)
    XCTAssertEqual(NodeNTBIdentity.vendorID, UInt16(nodeNTBVendorID))
    XCTAssertEqual(NodeNTBIdentity.deviceID, UInt16(nodeNTBDeviceID))
  }
}
