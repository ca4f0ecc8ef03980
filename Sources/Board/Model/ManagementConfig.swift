/// The management processor that runs the firmware of each node.
public struct ManagementConfig: Equatable, Sendable {
  /// LLVM target triple the firmware is compiled for, e.g. `aarch64-none-none-elf`.
  public var triple: String
  /// Start of the processor's RAM, 4 KiB aligned.
  public var ramBase: UInt64
  /// Bytes of RAM.
  public var ramSize: Int
  /// Start of the switch and tier controller registers, 4 KiB aligned, outside RAM.
  public var mmioBase: UInt64

  public init(triple: String, ramBase: UInt64, ramSize: Int, mmioBase: UInt64) {
    self.triple = triple
    self.ramBase = ramBase
    self.ramSize = ramSize
    self.mmioBase = mmioBase
  }
}
