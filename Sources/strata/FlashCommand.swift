import ArgumentParser
import Board
import Flash
import Foundation

/// `strata flash`: write a firmware image into the board's SPI NOR flash through the FTDI
/// cable named in the board file.
struct FlashCommand: ParsableCommand {
  static let defaultImage = "firmware/.build/firmware.img"

  static let configuration = CommandConfiguration(
    commandName: "flash",
    abstract: "Write a firmware image to the board's SPI flash through its FTDI cable.",
    discussion: """
      IMAGE (a Strata image: 64-byte header + body) goes into the A/B slot that
      does not boot now. The image is checked whole first (header, CRCs, board
      id, size); sectors that already hold the right bytes are skipped; the rest
      are erased (4/32/64 KiB chosen for the least time), programmed and read
      back; the header is written last, so a power cut at any moment leaves the
      newest complete image bootable. Without IMAGE, \(defaultImage)
      is used if it exists.

      Examples:
        strata flash firmware/.build/firmware.img   update the inactive slot
        strata flash --board boards/cluster4.yaml fw.img
        strata flash --info               chip, protection, slots and headers
        strata flash --list               attached FTDI cables
        strata flash --read dump.bin --region slot_a
        strata flash --verify fw.img      does the booting slot hold fw.img?
        strata flash --raw --offset 0 boot.bin   raw bytes (the boot loader)
        strata flash --unprotect fw.img   clear block protection, then update

      Permission denied? Create /etc/udev/rules.d/53-strata-ftdi.rules with
        SUBSYSTEM=="usb", ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6010",
          MODE="0660", GROUP="plugdev"
      (all on one line), run `sudo udevadm control --reload-rules && sudo udevadm
      trigger`, make sure you are in group plugdev, and replug the cable.
      """)

  @Option(name: .long, help: ArgumentHelp("The board description (cable, flash layout, board id).", valueName: "file"))
  var board: String = Board.defaultBoardPath

  @Argument(help: ArgumentHelp("Image to write (a Strata image, or any file with --raw).", valueName: "image"))
  var image: String?

  @Flag(help: "Write IMAGE's bytes as they are at --offset, outside the A/B slot scheme.")
  var raw = false

  @Option(help: ArgumentHelp("Flash address for --raw (decimal, 0x hex, or with KiB/MiB).", valueName: "n"))
  var offset: String?

  @Flag(help: "List attached FTDI devices with the board's USB ids and exit.")
  var list = false

  @Option(help: ArgumentHelp("Read the flash (or --region) into this file and exit.", valueName: "out"))
  var read: String?

  @Option(help: ArgumentHelp("Region of the board's flash layout for --read.", valueName: "name"))
  var region: String?

  @Option(help: ArgumentHelp("Check that the flash holds this image (with --raw: at --offset) and exit.", valueName: "image"))
  var verify: String?

  @Flag(help: "Show the chip (JEDEC id, part, size), block protection, and both slots with their headers.")
  var info = false

  @Flag(help: "Clear the chip's block-protect bits before writing (never done without this flag).")
  var unprotect = false

  func validate() throws {
    if raw && offset == nil { throw ValidationError("--raw needs --offset N (the flash address to write at).") }
    if offset != nil && !raw { throw ValidationError("--offset only applies to --raw writes.") }
    if region != nil && read == nil { throw ValidationError("--region only applies to --read.") }
  }

  func run() throws {
    setvbuf(stdout, nil, _IOLBF, 0)  // keep result lines in order with progress on stderr
    let boardFile = try loadBoard()
    let target = boardFile.map(FlashTarget.init(board:)) ?? FlashTarget()

    if list {
      try listDevices(target)
      return
    }
    // Read and validate the image before touching the cable.
    var imageBytes: [UInt8]?
    var firmware: FirmwareImage?
    // `--unprotect` alone (no image named or found) only clears the protection.
    let unprotectOnly = unprotect && image == nil && !FileManager.default.fileExists(atPath: Self.defaultImage)
    let writing = read == nil && verify == nil && !info && !unprotectOnly
    if writing {
      let path = try imagePath()
      imageBytes = try readFile(path)
      if !raw {
        let fw = try FirmwareImage(fileBytes: imageBytes!, name: path)
        try ImageSlots.validate(fw, regions: target.regions, boardID: target.boardID)
        firmware = fw
      }
    }
    let session = try FlashSession(target: target)
    defer { session.close() }
    let bar = FlashProgressBar()
    session.programmer.progress = { bar.update($0) }
    defer { bar.finishLine() }
    print("flash: \(session.part.name) (JEDEC \(hex(session.part.jedecID, 6)), \(FlashProgressBar.bytes(session.part.size)), from \(session.part.source.rawValue))")
    if let expected = target.size, expected != session.part.size {
      print("warning: the board file says the flash is \(FlashProgressBar.bytes(expected)) but the chip is \(FlashProgressBar.bytes(session.part.size))")
    }

    if unprotect {
      let (before, after) = try session.programmer.unprotect()
      print(before == after ? "block protection: already off (status \(hex(UInt32(before), 2)))"
                            : "block protection cleared (status \(hex(UInt32(before), 2)) -> \(hex(UInt32(after), 2)))")
    }
    if info {
      try showInfo(session)
      return
    }
    if let out = read {
      let range = try region.map { try target.region(named: $0).range } ?? 0..<session.part.size
      let bytes = try session.programmer.read(address: range.lowerBound, count: range.count)
      bar.finishLine()
      try Data(bytes).write(to: URL(fileURLWithPath: out))
      print("read \(bytes.count) bytes from \(hex(UInt32(range.lowerBound), 6)) into \(out)")
      return
    }
    if let path = verify {
      let bytes = try readFile(path)
      if raw {
        let at = try parseOffset()
        try session.programmer.verify(bytes, at: at)
        bar.finishLine()
        print("verified: \(bytes.count) bytes at \(hex(UInt32(at), 6)) match \(path)")
      } else {
        let fw = try FirmwareImage(fileBytes: bytes, name: path)
        let slot = try session.slots().verify(fw)
        bar.finishLine()
        print("verified: slot \(slot.region.name) (sequence \(slot.header!.sequence), the one that boots) holds \(path)")
      }
      return
    }
    guard let bytes = imageBytes else { return }
    let started = Date()
    if raw {
      let at = try parseOffset()
      let stats = try session.programmer.write(bytes, at: at)
      bar.finishLine()
      print("wrote \(bytes.count) bytes at \(hex(UInt32(at), 6)): \(describe(stats)), verified, \(seconds(started))")
    } else {
      let report = try session.slots().update(firmware!)
      bar.finishLine()
      print("wrote slot \(report.slot.name) (sequence \(report.sequence)): \(describe(report.stats)), verified, committed, \(seconds(started))")
      if let previous = report.previous {
        print("slot \(report.slot.name) now boots; slot \(previous.region.name) (sequence \(previous.header!.sequence)) stays as the fallback")
      } else {
        print("slot \(report.slot.name) now boots")
      }
    }
  }

  // MARK: - Pieces

  /// The board file; for --list a missing default board is fine (default FTDI ids).
  func loadBoard() throws -> Board? {
    do {
      return try Board.load(path: board)
    } catch {
      if list && !FileManager.default.fileExists(atPath: board) { return nil }
      throw FlashCommandFailure("\(error)")
    }
  }

  func imagePath() throws -> String {
    if let image { return image }
    if FileManager.default.fileExists(atPath: Self.defaultImage) { return Self.defaultImage }
    throw ValidationError("no IMAGE given and \(Self.defaultImage) does not exist: build the firmware or name the image file.")
  }

  func readFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw FlashCommandFailure("cannot read \(path): no such file or not readable.")
    }
    return [UInt8](data)
  }

  func parseOffset() throws -> Int {
    guard let text = offset, let n = Self.parseNumber(text) else {
      throw ValidationError("--offset \(offset ?? "") is not a number (use 65536, 0x10000 or 64KiB).")
    }
    return n
  }

  static func parseNumber(_ text: String) -> Int? {
    var t = text.replacingOccurrences(of: "_", with: "")
    var scale = 1
    for (suffix, s) in [("KiB", 1 << 10), ("MiB", 1 << 20), ("K", 1 << 10), ("M", 1 << 20)] where t.hasSuffix(suffix) {
      t = String(t.dropLast(suffix.count))
      scale = s
      break
    }
    let value = t.lowercased().hasPrefix("0x") ? Int(t.dropFirst(2), radix: 16) : Int(t)
    return value.map { $0 * scale }
  }

  func listDevices(_ target: FlashTarget) throws {
    let c = target.cable
    let devices = try FTDITransport.listDevices(vendorID: c.vendorID, productID: c.productID)
    if devices.isEmpty {
      print("no FTDI devices with USB id \(hex(UInt32(c.vendorID), 4)):\(hex(UInt32(c.productID), 4))")
      return
    }
    for d in devices {
      let strings = d.stringsError.map { "(\($0))" }
        ?? "\(d.manufacturer ?? "?") / \(d.description ?? "?") / serial \(d.serial ?? "none")"
      print("bus \(d.bus) address \(d.address): \(strings)")
    }
  }

  func showInfo(_ s: FlashSession) throws {
    let p = s.part
    print("JEDEC id:    \(hex(p.jedecID, 6))")
    print("part:        \(p.name) (\(p.source == .table ? "known part" : "from SFDP"))")
    print("size:        \(p.size) bytes (\(FlashProgressBar.bytes(p.size))), \(p.addressBytes)-byte addresses, \(p.pageSize)-byte pages")
    print("erase types: " + p.eraseTypes.map { "\($0.size / 1024) KiB (\(hex(UInt32($0.opcode), 2)), typ \($0.time.typicalNs / 1_000_000) ms)" }.joined(separator: ", "))
    let (status, range) = try s.programmer.protection()
    if !status.anyProtection {
      print("protection:  none (status register \(hex(UInt32(status.raw), 2)))")
    } else {
      print("protection:  BP=\(status.blockProtect)\(status.topBottom ? " TB" : "") (status register \(hex(UInt32(status.raw), 2))), protected \(hex(UInt32(range.lowerBound), 6))..<\(hex(UInt32(range.upperBound), 6)) ; clear with --unprotect")
    }
    guard let slots = try? s.slots() else {
      print("slots:       none in the layout")
      return
    }
    let states = [try slots.inspect(slots.slotA), try slots.inspect(slots.slotB)]
    let active = ImageSlots.active(states)
    for st in states {
      let r = st.region
      let mark = st.region == active?.region ? " (boots)" : ""
      print("slot \(r.name) at \(hex(UInt32(r.offset), 6)), \(FlashProgressBar.bytes(r.size))\(mark):")
      if let h = st.header {
        print("  sequence \(h.sequence), board id \(h.boardID), body \(h.bodyLength) bytes, CRC \(hex(h.bodyCRC, 8)), load \(hex64(h.loadAddress)), entry \(hex64(h.entryPoint))")
      }
      print("  " + (st.problem.map { "not bootable: \($0)" } ?? "valid"))
    }
  }

  func describe(_ s: WriteStats) -> String {
    let erases = s.erases.sorted { $0.key < $1.key }.map { "\($0.value) x \($0.key / 1024) KiB" }.joined(separator: " + ")
    return "\(s.sectors) sectors, \(s.sectorsUnchanged) already matched (skipped), erased \(erases.isEmpty ? "nothing" : erases), \(s.pagesProgrammed) pages programmed"
      + (s.verifyRetries > 0 ? ", \(s.verifyRetries) sector(s) rewritten after a verify mismatch" : "")
  }

  func seconds(_ start: Date) -> String {
    String(format: "%.2f s", Date().timeIntervalSince(start))
  }

  func hex(_ v: UInt32, _ digits: Int) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, digits - s.count)) + s
  }

  func hex64(_ v: UInt64) -> String {
    "0x" + String(v, radix: 16, uppercase: true)
  }
}

/// A failure already explained in its message.
struct FlashCommandFailure: Error, CustomStringConvertible {
  let description: String
  init(_ message: String) { description = message }
}
