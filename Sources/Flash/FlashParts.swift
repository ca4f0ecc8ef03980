/// What the driver needs to know about a SPI NOR part: geometry, erase types, timings and
/// how it takes 4-byte addresses. Comes from the table below or from the chip's SFDP.
public struct FlashPart: Sendable, Equatable {
  public enum Source: String, Sendable { case table, sfdp }

  /// How addresses above 16 MiB are reached.
  public enum Addressing: Sendable, Equatable {
    /// 3-byte addresses only (parts up to 16 MiB).
    case threeByte
    /// Enter 4-byte address mode with EN4B (0xB7) before use, exit with EX4B (0xE9) after,
    /// so the boot ROM finds the part in its power-on 3-byte mode. `writeEnableFirst`: the
    /// part needs WREN before EN4B (Micron N25Q/MT25Q).
    case enter4ByteMode(writeEnableFirst: Bool)
    /// The part always takes 4-byte addresses.
    case fourByteOnly
  }

  public var name: String
  public var jedecID: UInt32
  public var size: Int
  public var pageSize: Int
  /// Erase types from the smallest up.
  public var eraseTypes: [EraseType]
  public var pageProgram: OperationTime
  public var addressing: Addressing
  public var source: Source

  public init(name: String, jedecID: UInt32, size: Int, pageSize: Int = 256, eraseTypes: [EraseType],
              pageProgram: OperationTime, addressing: Addressing? = nil, source: Source = .table) {
    self.name = name
    self.jedecID = jedecID
    self.size = size
    self.pageSize = pageSize
    self.eraseTypes = eraseTypes.sorted { $0.size < $1.size }
    self.pageProgram = pageProgram
    self.addressing = addressing ?? (size > 16 << 20 ? .enter4ByteMode(writeEnableFirst: false) : .threeByte)
    self.source = source
  }

  public var addressBytes: Int { addressing == .threeByte ? 3 : 4 }
  public var smallestErase: EraseType { eraseTypes[0] }
}

/// Typical and maximum duration of a program/erase operation, in nanoseconds.
public struct OperationTime: Sendable, Equatable {
  public var typicalNs: UInt64
  public var maxNs: UInt64
  public init(typicalNs: UInt64, maxNs: UInt64) {
    self.typicalNs = typicalNs
    self.maxNs = maxNs
  }
  public static func ms(_ typ: Double, _ max: Double) -> OperationTime {
    OperationTime(typicalNs: UInt64(typ * 1e6), maxNs: UInt64(max * 1e6))
  }
}

public struct EraseType: Sendable, Equatable {
  public var size: Int
  public var opcode: UInt8
  public var time: OperationTime
  public init(size: Int, opcode: UInt8, time: OperationTime) {
    self.size = size
    self.opcode = opcode
    self.time = time
  }
  public static func sector4K(_ t: OperationTime) -> EraseType { EraseType(size: 4096, opcode: 0x20, time: t) }
  public static func block32K(_ t: OperationTime) -> EraseType { EraseType(size: 32768, opcode: 0x52, time: t) }
  public static func block64K(_ t: OperationTime) -> EraseType { EraseType(size: 65536, opcode: 0xD8, time: t) }
}

/// Known parts. JEDEC ids (manufacturer, memory type, capacity) from each family's datasheet
/// "Manufacturer and Device Identification" / "Read Identification (RDID)" table:
/// - Winbond W25Q16JV/W25Q32JV/W25Q64JV/W25Q128JV/W25Q256JV (SPI, "IQ/IN" parts): EF 40 15..19;
///   timings from the W25Q128JV datasheet rev. F, 9.6 AC characteristics (tPP 0.4/3 ms,
///   tSE 45/400 ms, tBE1 120/1600 ms, tBE2 150/2000 ms), shared by the JV family.
/// - Macronix MX25L3233F/MX25L6433F/MX25L12835F/MX25L25645G: C2 20 16..19.
/// - Micron N25Q032A/N25Q064A/N25Q128A (3 V): 20 BA 16..18; MT25QL256ABA: 20 BA 19
///   (MT25QL128ABA shares 20 BA 18 with N25Q128A and is identified as that). N25Q parts have no
///   32 KiB erase; WREN is required before EN4B.
/// - ISSI IS25LP032D/IS25LP064A/IS25LP128F/IS25LP256D: 9D 60 16..19.
/// - Spansion/Infineon S25FL116K/S25FL132K/S25FL164K: 01 40 15..17; S25FL064L/S25FL128L/S25FL256L: 01 60 17..19.
/// Timings of the non-Winbond families: the typical values are datasheet orders of magnitude
/// (not re-checked against each datasheet revision) and only steer the erase plan and the
/// in-cable waits; their maxima are deliberately generous (4 KiB 800 ms, 32 KiB 2 s, 64 KiB
/// 3 s, page 5 ms: at or above the largest maxima of these families) because they bound the
/// status polling and a too-short bound would fail a healthy chip. The flasher always polls
/// WIP, so it never relies on a typical value being exact.
public enum FlashParts {
  static let winbondPP = OperationTime.ms(0.4, 3)
  static let winbondErase: [EraseType] = [.sector4K(.ms(45, 400)), .block32K(.ms(120, 1600)), .block64K(.ms(150, 2000))]
  static func approximate(_ k4: Double, _ k32: Double?, _ k64: Double) -> [EraseType] {
    var types: [EraseType] = [.sector4K(.ms(k4, 800))]
    if let k32 { types.append(.block32K(.ms(k32, 2000))) }
    types.append(.block64K(.ms(k64, 3000)))
    return types
  }
  static func approximatePP(_ typ: Double) -> OperationTime { .ms(typ, 5) }
  static let macronixErase = approximate(30, 150, 280)
  static let n25qErase = approximate(250, nil, 700)  // no 32 KiB erase on N25Q
  static let mt25qErase = approximate(50, 100, 150)
  static let issiErase = approximate(70, 100, 150)
  static let spansionKErase = approximate(60, 120, 150)
  static let spansionLErase = approximate(50, 150, 300)

  public static let all: [FlashPart] = [
    FlashPart(name: "Winbond W25Q16JV", jedecID: 0xEF4015, size: 2 << 20, eraseTypes: winbondErase, pageProgram: winbondPP),
    FlashPart(name: "Winbond W25Q32JV", jedecID: 0xEF4016, size: 4 << 20, eraseTypes: winbondErase, pageProgram: winbondPP),
    FlashPart(name: "Winbond W25Q64JV", jedecID: 0xEF4017, size: 8 << 20, eraseTypes: winbondErase, pageProgram: winbondPP),
    FlashPart(name: "Winbond W25Q128JV", jedecID: 0xEF4018, size: 16 << 20, eraseTypes: winbondErase, pageProgram: winbondPP),
    FlashPart(name: "Winbond W25Q256JV", jedecID: 0xEF4019, size: 32 << 20, eraseTypes: winbondErase, pageProgram: winbondPP),
    FlashPart(name: "Macronix MX25L3233F", jedecID: 0xC22016, size: 4 << 20, eraseTypes: macronixErase, pageProgram: approximatePP(0.5)),
    FlashPart(name: "Macronix MX25L6433F", jedecID: 0xC22017, size: 8 << 20, eraseTypes: macronixErase, pageProgram: approximatePP(0.5)),
    FlashPart(name: "Macronix MX25L12835F", jedecID: 0xC22018, size: 16 << 20, eraseTypes: macronixErase, pageProgram: approximatePP(0.5)),
    FlashPart(name: "Macronix MX25L25645G", jedecID: 0xC22019, size: 32 << 20, eraseTypes: macronixErase, pageProgram: approximatePP(0.5)),
    FlashPart(name: "Micron N25Q032A", jedecID: 0x20BA16, size: 4 << 20, eraseTypes: n25qErase, pageProgram: approximatePP(0.5)),
    FlashPart(name: "Micron N25Q064A", jedecID: 0x20BA17, size: 8 << 20, eraseTypes: n25qErase, pageProgram: approximatePP(0.5)),
    FlashPart(name: "Micron N25Q128A", jedecID: 0x20BA18, size: 16 << 20, eraseTypes: n25qErase, pageProgram: approximatePP(0.5)),
    FlashPart(name: "Micron MT25QL256ABA", jedecID: 0x20BA19, size: 32 << 20, eraseTypes: mt25qErase, pageProgram: approximatePP(0.12),
              addressing: .enter4ByteMode(writeEnableFirst: true)),
    FlashPart(name: "ISSI IS25LP032D", jedecID: 0x9D6016, size: 4 << 20, eraseTypes: issiErase, pageProgram: approximatePP(0.2)),
    FlashPart(name: "ISSI IS25LP064A", jedecID: 0x9D6017, size: 8 << 20, eraseTypes: issiErase, pageProgram: approximatePP(0.2)),
    FlashPart(name: "ISSI IS25LP128F", jedecID: 0x9D6018, size: 16 << 20, eraseTypes: issiErase, pageProgram: approximatePP(0.2)),
    FlashPart(name: "ISSI IS25LP256D", jedecID: 0x9D6019, size: 32 << 20, eraseTypes: issiErase, pageProgram: approximatePP(0.2)),
    FlashPart(name: "Spansion S25FL116K", jedecID: 0x014015, size: 2 << 20, eraseTypes: spansionKErase, pageProgram: approximatePP(0.7)),
    FlashPart(name: "Spansion S25FL132K", jedecID: 0x014016, size: 4 << 20, eraseTypes: spansionKErase, pageProgram: approximatePP(0.7)),
    FlashPart(name: "Spansion S25FL164K", jedecID: 0x014017, size: 8 << 20, eraseTypes: spansionKErase, pageProgram: approximatePP(0.7)),
    FlashPart(name: "Infineon S25FL064L", jedecID: 0x016017, size: 8 << 20, eraseTypes: spansionLErase, pageProgram: approximatePP(0.45)),
    FlashPart(name: "Infineon S25FL128L", jedecID: 0x016018, size: 16 << 20, eraseTypes: spansionLErase, pageProgram: approximatePP(0.45)),
    FlashPart(name: "Infineon S25FL256L", jedecID: 0x016019, size: 32 << 20, eraseTypes: spansionLErase, pageProgram: approximatePP(0.45)),
  ]

  public static func lookup(jedecID: UInt32) -> FlashPart? {
    all.first { $0.jedecID == jedecID }
  }
}
