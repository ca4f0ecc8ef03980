import FTDIEmulator
import XCTest
@testable import Flash

final class TransportTests: XCTestCase {
  func testOpenPutsChannelAInMPSSEWithRequestedClockAndPins() throws {
    Emulator().reset()
    let s = try openSession(FlashTarget(cable: FTDICableConfig(spiClockHz: 10_000_000)))
    let st = femu_ftdi_state(0)
    XCTAssertTrue(st.claimed)
    XCTAssertEqual(st.bitmode, 0x02)
    XCTAssertEqual(st.latency_timer_ms, 1)
    XCTAssertFalse(st.divide_by_5)
    XCTAssertEqual(st.clock_divisor, 2)
    XCTAssertEqual(femu_spi_clock_hz(), 10_000_000)
    XCTAssertEqual(st.low_direction, 0x0B)  // SCK, MOSI, CS# on ADBUS3 out
    XCTAssertEqual(st.low_value, 0x08)  // CS# idle high
    XCTAssertGreaterThanOrEqual(st.resets, 1)  // ftdi_usb_reset + purges
    XCTAssertEqual(s.part.name, "Winbond W25Q128JV")
    s.close()
  }

  func testChipSelectOnADBUS4() throws {
    Emulator(chipSelectPin: 4).reset()
    let s = try openSession(FlashTarget(cable: FTDICableConfig(chipSelectPin: 4)))
    XCTAssertEqual(femu_ftdi_state(0).low_direction, 0x13)
    XCTAssertEqual(s.part.jedecID, 0xEF4018)
    s.close()
    // Wrong pin in the config: the flash never sees CS#, nothing answers.
    Emulator(chipSelectPin: 4).reset()
    XCTAssertThrowsError(try openSession()) { e in
      XCTAssertTrue("\(e)".contains("no SPI flash answered"), "\(e)")
    }
  }

  func testListAndSelectBySerial() throws {
    Emulator(devices: 2).reset()
    let list = try FTDITransport.listDevices(vendorID: 0x0403, productID: 0x6010)
    XCTAssertEqual(list.map(\.serial), ["FT2232H0", "FT2232H0-1"])
    XCTAssertEqual(list.first?.manufacturer, "FTDI")
    XCTAssertEqual(list.first?.description, "Dual RS232-HS")
    let s = try openSession(FlashTarget(cable: FTDICableConfig(serial: "FT2232H0-1")))
    s.close()
    XCTAssertThrowsError(try openSession(FlashTarget(cable: FTDICableConfig(serial: "nope")))) { e in
      XCTAssertEqual(e as? FlashError, .noDevice(vendorID: 0x0403, productID: 0x6010, serial: "nope"))
      XCTAssertTrue("\(e)".contains("serial \"nope\""), "\(e)")
    }
  }

  func testSelectByBusAndAddress() throws {
    Emulator(devices: 2).reset()
    let list = try FTDITransport.listDevices(vendorID: 0x0403, productID: 0x6010)
    let second = try XCTUnwrap(list.last)
    let s = try openSession(FlashTarget(cable: FTDICableConfig(bus: second.bus, address: second.address)))
    s.close()
    XCTAssertThrowsError(try openSession(FlashTarget(cable: FTDICableConfig(bus: second.bus, address: 99)))) { e in
      XCTAssertTrue("\(e)".contains("on bus \(second.bus) at address 99"), "\(e)")
    }
  }

  func testNoDeviceNamesTheIdsSearched() {
    Emulator().reset()
    femu_fault_device_absent(true)
    XCTAssertThrowsError(try openSession()) { e in
      let m = "\(e)"
      XCTAssertTrue(m.contains("no FTDI device found with USB id 0403:6010"), m)
      XCTAssertTrue(m.contains("--list"), m)
    }
    XCTAssertEqual(try FTDITransport.listDevices(vendorID: 0x0403, productID: 0x6010).count, 0)
  }

  func testPermissionDeniedExplainsTheUdevRule() {
    Emulator().reset()
    femu_fault_open_access_denied(true)
    XCTAssertThrowsError(try openSession()) { e in
      let m = "\(e)"
      guard case .permissionDenied = e as? FlashError else { return XCTFail(m) }
      XCTAssertTrue(m.contains("/etc/udev/rules.d/53-strata-ftdi.rules"), m)
      XCTAssertTrue(m.contains("ATTRS{idVendor}==\"0403\", ATTRS{idProduct}==\"6010\", MODE=\"0660\", GROUP=\"plugdev\""), m)
    }
  }
}
