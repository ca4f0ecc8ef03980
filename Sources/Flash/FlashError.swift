/// Every way `strata flash` can fail, each with its cause and what would fix it.
public enum FlashError: Error, Equatable, CustomStringConvertible {
  case noDevice(vendorID: UInt16, productID: UInt16, serial: String?, bus: Int? = nil, address: Int? = nil)
  case permissionDenied(vendorID: UInt16, productID: UInt16, bus: Int, address: Int)
  case usb(operation: String, code: Int32, message: String)
  case deviceLost(operation: String)
  case mpsseSyncFailed(reply: [UInt8])
  case unknownChip(jedecID: UInt32)
  case noChip(jedecID: UInt32)
  case wrongChip(expected: UInt32, found: UInt32, foundPart: String?)
  case invalidImage(name: String, reason: String)
  case imageTooLarge(bytes: Int, slot: String, capacity: Int)
  case boardMismatch(imageBoardID: UInt16, boardID: UInt16)
  case outOfRange(offset: Int, length: Int, flashSize: Int)
  case noSlots(reason: String)
  case noBootableSlot(details: String)
  case verifyMismatch(address: Int, expected: UInt8, actual: UInt8)
  case timeout(operation: String, address: Int?, waitedMicroseconds: UInt64)
  case writeEnableRejected(status: UInt8)
  case writeProtected(statusRegister: UInt8, protectedStart: Int, protectedEnd: Int)
  case regionNotFound(name: String, known: [String])

  public var description: String {
    switch self {
    case .noDevice(let v, let p, let s, let bus, let address):
      var serial = s.map { " with serial \"\($0)\"" } ?? ""
      if let bus { serial += " on bus \(bus)" }
      if let address { serial += " at address \(address)" }
      return "no FTDI device found with USB id \(hex16(v)):\(hex16(p))\(serial). "
        + "Check that the cable is plugged in (lsusb should list \(hex16(v)):\(hex16(p))), "
        + "that the board file's cable vendor/product/serial match it, or run `strata flash --list`."
    case .permissionDenied(let v, let p, let bus, let addr):
      return "permission denied opening USB device \(hex16(v)):\(hex16(p)) (bus \(bus) address \(addr)). "
        + "Allow your user to access it with a udev rule, e.g. /etc/udev/rules.d/53-strata-ftdi.rules containing\n"
        + "  SUBSYSTEM==\"usb\", ATTRS{idVendor}==\"\(hex16(v).lowercased())\", ATTRS{idProduct}==\"\(hex16(p).lowercased())\", MODE=\"0660\", GROUP=\"plugdev\"\n"
        + "then `sudo udevadm control --reload-rules && sudo udevadm trigger`, make sure you are in group plugdev, and replug the cable."
    case .usb(let op, let code, let msg):
      return "USB error during \(op): libftdi returned \(code) (\(msg)). "
        + "Replug the cable; if ftdi_sio holds the interface, libftdi detaches it, so check no other program (openocd, flashrom) has it open."
    case .deviceLost(let op):
      return "the FTDI device disappeared during \(op) (unplugged or board power lost). "
        + "Restore power and the cable, then rerun the same command: an interrupted update leaves the previous image bootable."
    case .mpsseSyncFailed(let reply):
      return "the FTDI MPSSE engine did not answer the sync check (sent 0xAA, expected FA AA, got \(reply.isEmpty ? "nothing" : hex(reply))). "
        + "Check the interface (A/B) in the board file supports MPSSE and replug the cable."
    case .unknownChip(let id):
      return "SPI flash JEDEC id \(hex24(id)) is not in the part table and the chip has no readable SFDP table. "
        + "Add the part to Flash/FlashParts.swift or set flash.part/jedec_id in the board file."
    case .noChip(let id):
      return "no SPI flash answered (JEDEC id read as \(hex24(id))). "
        + "Check the cable wiring (SCK ADBUS0, MOSI ADBUS1, MISO ADBUS2, CS# on the board file's chip-select pin), that the board is powered, and that nothing else drives the flash (hold the SoC in reset)."
    case .wrongChip(let e, let f, let part):
      return "wrong flash chip: the board file expects JEDEC id \(hex24(e)) but the chip reports \(hex24(f))\(part.map { " (\($0))" } ?? ""). "
        + "Use the board file for this board (--board), or correct flash.jedec_id if the part was changed."
    case .invalidImage(let name, let reason):
      return "\(name) is not a valid Strata image: \(reason). Rebuild the firmware image, or use --raw --offset N to write arbitrary bytes."
    case .imageTooLarge(let bytes, let slot, let cap):
      return "image too large for slot \(slot): it needs \(bytes) bytes (header page + body) but the slot holds \(cap). "
        + "Shrink the firmware or enlarge the slot in the board file's flash layout."
    case .boardMismatch(let img, let board):
      return "board id mismatch: the image was built for board id \(img) but the board file says \(board). "
        + "Build the firmware for this board or pass the right --board file."
    case .outOfRange(let off, let len, let size):
      return "range \(hexAddress(off))..+\(len) lies outside the flash (size \(size) bytes). Use an offset and length inside the chip."
    case .noSlots(let reason):
      return "cannot update: \(reason). Give the board's flash layout regions with roles slot_a and slot_b, or use --raw --offset N."
    case .noBootableSlot(let details):
      return "no slot holds a bootable image (\(details)). Flash an image first: `strata flash IMAGE`."
    case .verifyMismatch(let a, let e, let got):
      return "verify failed at flash address \(hexAddress(a)): expected \(hex8(e)), read \(hex8(got)) (after one retry of that sector). "
        + "The sector may be worn or write-protected, or the SPI clock too fast for the wiring: lower cable.spi_clock_hz and retry."
    case .timeout(let op, let addr, let waited):
      let at = addr.map { " at \(hexAddress($0))" } ?? ""
      return "timeout: the flash stayed busy during \(op)\(at) for \(waited) µs, longer than its datasheet maximum. "
        + "Power-cycle the board and retry; if it persists the chip may be damaged or held by another master."
    case .writeEnableRejected(let s):
      return "the flash did not set its write-enable latch after WREN (status register \(hex8(s))). "
        + "Check the /WP pin and wiring, and that the status register is not locked (SRP)."
    case .writeProtected(let sr, let start, let end):
      return "flash block protection is on (status register \(hex8(sr)), protected \(hexAddress(start))..<\(hexAddress(end))) and covers the range to write. "
        + "Rerun with --unprotect to clear the block-protect bits."
    case .regionNotFound(let name, let known):
      return "no flash region named \"\(name)\" in the layout; known regions: \(known.joined(separator: ", "))."
    }
  }
}

func hex16(_ v: UInt16) -> String {
  let s = String(v, radix: 16, uppercase: true)
  return String(repeating: "0", count: 4 - s.count) + s
}

func hex24(_ v: UInt32) -> String {
  let s = String(v, radix: 16, uppercase: true)
  return "0x" + String(repeating: "0", count: max(0, 6 - s.count)) + s
}
