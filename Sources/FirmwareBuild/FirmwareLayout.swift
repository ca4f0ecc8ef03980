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
  public var stackSize: UInt64
  /// NTB ports of the busiest node (crosslinks it ends): one transport ring each.
  public var ntbPorts: Int
  /// The RAM the cluster boot (`ClusterNode`) writes outside the image: one ring per NTB port,
  /// then the buffer the node lends its peers. The linker script reserves it (NOLOAD, 4 KiB
  /// aligned) just below the stack; `clusterRegionOffset` is its offset from `ramBase`.
  public var clusterRegionOffset: UInt64
  public var clusterRegionSize: UInt64
  public var maxPayloadBytes: Int
  /// The clock of the system controller's cycle counter (`clock_mhz`).
  public var clockMHz: Int

  public static let defaultStackSize: UInt64 = 16 * 1024
  /// `ClusterSettings` defaults (ringBytes, sharedBufferBytes); the image passes these values,
  /// so what it uses is what the linker script reserved.
  public static let ringBytes: UInt64 = 4096
  public static let sharedBufferBytes: UInt64 = 4096
  /// A page: NTB windows translate to page-aligned addresses (`MWn_ALIGNMENT`).
  public static let clusterRegionAlignment: UInt64 = 4096
  /// The linker script's output section for the region (`__cluster_start`, `__cluster_end`).
  public static let clusterSectionName = ".cluster"

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
    self.stackSize = stackSize
    ntbPorts = (0..<board.nodeCount).map { node in board.ntb.links.filter { $0.a == node || $0.b == node }.count }.max() ?? 0
    clusterRegionSize = Self.roundUp(Self.ringBytes * UInt64(ntbPorts) + Self.sharedBufferBytes, to: Self.clusterRegionAlignment)
    maxPayloadBytes = board.switchConfig.maxPayloadBytes
    clockMHz = board.clockMHz
    guard Self.architecture(of: self.triple) != nil else {
      throw .unsupportedTriple(self.triple)
    }
    guard ramBase % Self.clusterRegionAlignment == 0 else {
      throw .layout("management.ram_base \(hex(ramBase)) is not 4 KiB aligned; the cluster boot's rings and shared buffer need page-aligned RAM")
    }
    // Code and data need at least as much again as the stack and the cluster region.
    let reserved = stackSize + clusterRegionSize
    guard reserved < ramSize / 2 else {
      throw .layout("the \(stackSize)-byte stack and the \(clusterRegionSize)-byte cluster region (\(ntbPorts) NTB ring(s) of \(Self.ringBytes) bytes and a \(Self.sharedBufferBytes)-byte shared buffer) leave too little of the \(ramSize)-byte RAM; management.ram_size must be more than \(2 * reserved) bytes")
    }
    clusterRegionOffset = (ramSize - stackSize - clusterRegionSize) / Self.clusterRegionAlignment * Self.clusterRegionAlignment
    if self.triple.hasPrefix("riscv32") || self.triple.hasPrefix("armv7em") {
      guard ramBase + ramSize <= 1 << 32, mmioBase < 1 << 32 else {
        throw .layout("\(self.triple) addresses 4 GiB; management.ram_base + ram_size and mmio_base must lie below 0x100000000")
      }
    }
  }

  /// The start-up file's architecture for a triple: aarch64, riscv32 or armv7em.
  public static func architecture(of triple: String) -> String? {
    for arch in ["aarch64", "riscv32", "armv7em"] where triple.hasPrefix(arch + "-") { return arch }
    return nil
  }

  public var is32Bit: Bool { !triple.hasPrefix("aarch64") }

  static func roundUp(_ value: UInt64, to alignment: UInt64) -> UInt64 { (value + alignment - 1) / alignment * alignment }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16, uppercase: true) }
