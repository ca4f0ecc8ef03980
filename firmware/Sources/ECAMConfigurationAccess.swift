import _Volatile

/// Configuration space through an Enhanced Configuration Access Mechanism window (PCIe Base
/// 4.0 §7.2.2): each function's 4 KiB at base + bus << 20 | device << 15 | function << 12.
/// Byte enables become the access size (a byte, a half-word or the dword), so a write never
/// touches the register bytes beside it. The root complex answers an Unsupported Request with
/// all ones and, with CRS Software Visibility, a retried Vendor ID read with 0001h — both of
/// which enumeration recognises in the data.
final class ECAMConfigurationAccess<Timer: HAL>: ConfigurationAccess {
  private let base: UInt64
  private let timer: Timer

  init(base: UInt64, timer: Timer) {
    self.base = base
    self.timer = timer
  }

  private func address(_ bdf: BDF, _ offset: UInt16) -> UInt {
    UInt(base + UInt64(bdf.bus) << 20 + UInt64(bdf.device) << 15 + UInt64(bdf.function) << 12 + UInt64(offset))
  }

  func read32(_ bdf: BDF, offset: UInt16, byteEnables: UInt8) -> ConfigurationRead {
    var value = VolatileMappedRegister<UInt32>(unsafeBitPattern: address(bdf, offset)).load()
    for i in 0..<4 where byteEnables & (1 << i) == 0 { value &= ~(0xFF << UInt32(8 * i)) }
    return ConfigurationRead(status: .successful, value: value)
  }

  func write32(_ bdf: BDF, offset: UInt16, _ value: UInt32, byteEnables: UInt8) -> CompletionStatus {
    let at = address(bdf, offset)
    switch byteEnables {
    case 0xF: VolatileMappedRegister<UInt32>(unsafeBitPattern: at).store(value)
    case 0b0011: VolatileMappedRegister<UInt16>(unsafeBitPattern: at).store(UInt16(truncatingIfNeeded: value))
    case 0b1100: VolatileMappedRegister<UInt16>(unsafeBitPattern: at + 2).store(UInt16(truncatingIfNeeded: value >> 16))
    default:
      for i in 0..<4 where byteEnables & (1 << i) != 0 {
        VolatileMappedRegister<UInt8>(unsafeBitPattern: at + UInt(i)).store(UInt8(truncatingIfNeeded: value >> UInt32(8 * i)))
      }
    }
    return .successful
  }

  func wait(cycles: UInt64) { timer.wait(cycles: cycles) }
}
