import Board

/// Where the firmware image lives and what it reaches, from the board's `management:` map.
public struct FirmwareLayout: Equatable, Sendable {
  public var boardName: String
  public var boardID: UInt16
  public var triple: String
  public var ramBase: UInt64
  public var ramSize: UInt64
  /// The system controller and the other node registers (`management.mmio_base`).
  public var mmioBase: UInt64
  /// The ECAM window (PCIe Base 4.0 §7.2.2, 1 MiB per bus, 256 buses) the image enumerates
  /// through: `mmio_base` + 256 MiB, until the switch's configuration-request registers take
  /// its place.
  public var ecamBase: UInt64
  public var stackSize: UInt64
  public var maxPayloadBytes: Int
  /// The clock of the system controller's cycle counter (`clock_mhz`).
  public var clockMHz: Int

  public static let ecamOffset: UInt64 = 0x1000_0000
  public static let ecamSize: UInt64 = 0x1000_0000
  public static let defaultStackSize: UInt64 = 16 * 1024

  public init(board: Board, triple: String? = nil, stackSize: UInt64 = FirmwareLayout.defaultStackSize)
    throws(FirmwareBuildError)
  {
    let m = board.management
    boardName = board.name
    boardID = board.id
    self.triple = triple ?? m.triple
    ramBase = m.ramBase
    ramSize = UInt64(m.ramSize)
    mmioBase = m.mmioBase
    ecamBase = m.mmioBase &+ Self.ecamOffset
    self.stackSize = stackSize
    maxPayloadBytes = board.switchConfig.maxPayloadBytes
    clockMHz = board.clockMHz
    guard Self.architecture(of: self.triple) != nil else {
      throw .unsupportedTriple(self.triple)
    }
    let ecamEnd = ecamBase &+ Self.ecamSize
    if ecamEnd < ecamBase || (ecamBase < ramBase + ramSize && ramBase < ecamEnd) {
      throw .layout("the ECAM window \(hex(ecamBase))..<\(hex(ecamEnd)) (management.mmio_base + 256 MiB) overlaps RAM \(hex(ramBase))..<\(hex(ramBase + ramSize)); move mmio_base or ram_base in the board file")
    }
    guard stackSize < ramSize / 2 else {
      throw .layout("a \(stackSize)-byte stack leaves too little of the \(ramSize)-byte RAM; management.ram_size must be more than twice the stack")
    }
    if self.triple.hasPrefix("riscv32") || self.triple.hasPrefix("armv7em") {
      guard ramBase + ramSize <= 1 << 32, ecamEnd <= 1 << 32 else {
        throw .layout("\(self.triple) addresses 4 GiB; RAM and the ECAM window must lie below 0x100000000")
      }
    }
  }

  /// The start-up file's architecture for a triple: aarch64, riscv32 or armv7em.
  public static func architecture(of triple: String) -> String? {
    for arch in ["aarch64", "riscv32", "armv7em"] where triple.hasPrefix(arch + "-") { return arch }
    return nil
  }

  public var is32Bit: Bool { !triple.hasPrefix("aarch64") }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16, uppercase: true) }
