import XCTest
@testable import Firmware
import PCIModel

/// BAR sizing (PCI Local Bus 3.0 §6.2.5.1): with decode off, write all ones, read the size
/// mask, restore the original; the low bits say I/O or memory, 32 or 64 bits, prefetchable.
final class BARSizingTests: XCTestCase {
  func testSizingReadsEveryKindAndRestoresTheOriginalValuesAndDecode() throws {
    let f = endpoint("dev", [0: .memory32(size: 4 * KiB), 1: .io(size: 32), 2: .memory64(size: 8 * GiB, prefetchable: true),
                             4: .memory32(size: 1 * MiB, prefetchable: true)])
    // Addresses left by a previous owner, and decode on: sizing must turn it off and back on.
    f.write(0x10, 0xFEDC_B000, byteEnables: 0xF)
    f.write(0x14, 0x0000_E000, byteEnables: 0xF)
    f.write(0x18, 0x0000_0000, byteEnables: 0xF)
    f.write(0x1C, 0x0000_0012, byteEnables: 0xF)
    f.write(0x04, 0x0003, byteEnables: 0x3)
    let before = (0x10..<0x28).map { f.space[$0] }
    let model = ConfigurationSpaceModel(root: rootBus([(0, 0, f)]))
    let io = ConfigurationIO(access: model, options: EnumerationOptions())
    let bars = try sizeBARs(BDF(bus: 0, device: 0, function: 0), count: 6, io: io)
    XCTAssertEqual(bars, [
      BaseAddressRegister(index: 0, kind: .memory32, isPrefetchable: false, size: 4 * KiB),
      BaseAddressRegister(index: 1, kind: .io, isPrefetchable: false, size: 32),
      BaseAddressRegister(index: 2, kind: .memory64, isPrefetchable: true, size: 8 * GiB),
      BaseAddressRegister(index: 4, kind: .memory32, isPrefetchable: true, size: 1 * MiB),
    ])
    XCTAssertEqual((0x10..<0x28).map { f.space[$0] }, before, "BARs restored")
    XCTAssertEqual(f.space[0x04] & 0x3, 0x3, "decode restored")
    XCTAssertEqual(f.sizingWithDecodeOn, [])
  }
}
