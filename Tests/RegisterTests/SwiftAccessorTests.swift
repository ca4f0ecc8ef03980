import XCTest
import Cores
import Toolchain

/// The generated firmware accessors: they compile under Embedded Swift for the board's targets,
/// and on the host they put the right bits at the right addresses.
final class SwiftAccessorTests: XCTestCase {
  static let busProtocol = """
    public protocol MMIOBus {
      func read32(_ address: UInt64) -> UInt32
      func write32(_ address: UInt64, _ value: UInt32)
    }

    """

  /// Compiles `files` with `swiftc arguments`, failing the test with the compiler's output.
  func swiftc(_ files: [String: String], _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("strata-accessors-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
    let result = try Toolchain.run("/usr/bin/env", ["swiftc"] + arguments + files.keys.sorted(), in: dir)
    XCTAssertEqual(result.status, 0, "swiftc \(arguments.joined(separator: " ")):\n\(result.output)", file: file, line: line)
    return dir
  }

  func testAccessorsCompileUnderEmbeddedSwift() throws {
    let map = try systemControlRegisters(boardID: 3)
    // A firmware-style use site: a volatile bus over raw pointers, as on the board.
    let useSite = """
      struct PointerBus: MMIOBus {
        func read32(_ address: UInt64) -> UInt32 { UnsafePointer<UInt32>(bitPattern: UInt(address))!.pointee }
        func write32(_ address: UInt64, _ value: UInt32) { UnsafeMutablePointer<UInt32>(bitPattern: UInt(address))!.pointee = value }
      }

      public func bringUp() -> UInt32 {
        let controller = SystemControl(bus: PointerBus())
        controller.modifyScratch { $0.value = 0x5A5A_5A5A }
        controller.modifyInterruptEnable { $0.doorbell = true; $0.dmaDone = true }
        var acknowledge = SystemControlRegisters.InterruptStatus()
        acknowledge.doorbell = true
        controller.writeInterruptStatus(acknowledge)
        controller.writeControl(.init(rawValue: SystemControlRegisters.Control.softResetMask))
        return controller.readId().board + controller.readNode().index + controller.readCycleCountLow().value
      }

      """
    // everyAccessMap adds every access type and fields with named values.
    let sources = ["Bus.swift": Self.busProtocol, "SystemControl.swift": swiftAccessors(for: map), "Use.swift": useSite,
                   "EveryAccess.swift": swiftAccessors(for: try everyAccessMap())]
    for target in ["riscv32-none-none-eabi", "armv7em-none-none-eabi", "aarch64-none-none-elf"] {
      let dir = try swiftc(sources, ["-enable-experimental-feature", "Embedded", "-target", target, "-wmo",
                                     "-parse-as-library", "-c", "-o", "firmware.o"])
      XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("firmware.o").path), target)
      try? FileManager.default.removeItem(at: dir)
    }
  }

  /// The NTB function's accessors, which its driver uses: a small shape (the devkit's 190
  /// registers take a minute to compile for three targets), one target.
  func testNTBAccessorsCompileUnderEmbeddedSwift() throws {
    let layout = try NTBLayout(memoryWindows: 1, windowSize: 1 << 16, lutEntries: 0, scratchpads: 16, doorbells: 32)
    let useSite = """
      public func ringPeer(_ ntb: Ntb<some MMIOBus>) -> UInt32 {
        ntb.modifyLinkControl { $0.enable = true }
        ntb.writePeerScratchpad0(.init(rawValue: 0x1234))
        var doorbells = NtbRegisters.PeerDoorbellSet0()
        doorbells.bits = 1 << 3
        ntb.writePeerDoorbellSet0(doorbells)
        return ntb.readDoorbellStatus0().rawValue
      }

      """
    let sources = ["Bus.swift": Self.busProtocol, "NTB.swift": swiftAccessors(for: try ntbRegisters(layout)), "Use.swift": useSite]
    let dir = try swiftc(sources, ["-enable-experimental-feature", "Embedded", "-target", "riscv32-none-none-eabi", "-wmo",
                                   "-parse-as-library", "-c", "-o", "firmware.o"])
    XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("firmware.o").path))
    try? FileManager.default.removeItem(at: dir)
  }

  func testAccessorsPutFieldsAtTheirBitsAndAddresses() throws {
    // A register mixing RW and W1C fields, where read-modify-write must not acknowledge flags.
    let map = try RegisterMap(name: "mixed_block", baseAddress: 0x2000, registers: [
      Register("ID", offset: 0x0, description: "Identity.", fields: [
        Field("MAKER", bits: 20...31, access: .readOnly, reset: 0xABC, description: "Maker."),
        Field("PART", bits: 4...11, access: .readOnly, reset: 0x5D, description: "Part."),
      ]),
      Register("CTRL_STAT", offset: 0x24, description: "Control and status.", fields: [
        Field("ENABLE", bit: 0, access: .readWrite, description: "On."),
        Field("DIVIDER", bits: 8...15, access: .readWrite, description: "Clock divider."),
        Field("ERROR", bit: 16, access: .writeOneToClear, description: "Error flag.", hardware: [.set]),
        Field("START", bit: 17, access: .writeOneToSet, description: "Start request.", hardware: [.clear]),
        Field("SPEED", bits: 20...22, access: .readWrite, description: "Link speed.",
              values: [FieldValue("SLOW", 1, "Slow."), FieldValue("FAST", 6, "Fast.")]),
      ]),
    ])
    // The bus answers reads from a table and logs every access.
    let main = """
      final class LoggingBus: MMIOBus {
        var memory: [UInt64: UInt32] = [0x2000: 0xABC0_05D0, 0x2024: 0x0003_0201]
        func read32(_ address: UInt64) -> UInt32 { print("read 0x\\(String(address, radix: 16))"); return memory[address] ?? 0 }
        func write32(_ address: UInt64, _ value: UInt32) {
          print("write 0x\\(String(address, radix: 16)) 0x\\(String(value, radix: 16))")
          memory[address] = value
        }
      }
      let block = MixedBlock(bus: LoggingBus())
      let id = block.readId()
      print("maker 0x\\(String(id.maker, radix: 16)) part 0x\\(String(id.part, radix: 16))")
      let status = block.readCtrlStat()
      print("enable \\(status.enable) divider \\(status.divider) error \\(status.error) start \\(status.start)")
      print("speed \\(status.speedValue == nil ? "unnamed" : "named")")
      block.modifyCtrlStat { $0.divider = 0x7F }
      block.modifyCtrlStat { $0.start = true }
      var ack = MixedBlockRegisters.CtrlStat()
      ack.error = true
      block.writeCtrlStat(ack)
      block.modifyCtrlStat { $0.setSpeed(.fast) }
      print(block.readCtrlStat().speedValue == .fast)
      print("masks 0x\\(String(MixedBlockRegisters.CtrlStat.dividerMask, radix: 16)) \\(MixedBlockRegisters.CtrlStat.dividerShift) 0x\\(String(MixedBlockRegisters.CtrlStat.writeOneMask, radix: 16))")

      """
    let dir = try swiftc(["Bus.swift": Self.busProtocol, "MixedBlock.swift": swiftAccessors(for: map), "main.swift": main],
                         ["-o", "program"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = try Toolchain.run(dir.appendingPathComponent("program").path, [])
    let lines = run.output.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines, [
      "read 0x2000",
      "maker 0xabc part 0x5d",                 // bits 31:20 and 11:4 of 0xABC005D0
      "read 0x2024",
      "enable true divider 2 error true start true",  // 0x00030201: bit 0, bits 15:8 = 2, bits 16 and 17
      "speed unnamed",                         // bits 22:20 are 0, which has no name
      "read 0x2024",
      "write 0x2024 0x7f01",                   // divider changed; the set ERROR and START bits written as 0
      "read 0x2024",                           // memory now 0x7f01: START reads 0, the closure raises it
      "write 0x2024 0x27f01",
      "write 0x2024 0x10000",                  // acknowledging ERROR writes only its 1
      "read 0x2024",
      "write 0x2024 0x600000",                 // SPEED = FAST (6) in bits 22:20; the ERROR bit read back is not written
      "read 0x2024",
      "true",
      "masks 0xff00 8 0x30000",
    ])
  }
}
