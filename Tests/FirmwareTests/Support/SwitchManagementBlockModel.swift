@testable import Firmware
import PCIModel

/// A HAL whose only device is the switch's configuration-request block, modelled from its
/// register description (switch management layout version 1: CFG_TARGET 0x04, CFG_CONTROL
/// 0x08 with BYTE_ENABLES 3:0, IS_WRITE 8, GO 31; CFG_WRITE_DATA 0x0C; CFG_READ_DATA 0x10;
/// CFG_STATUS 0x14 with BUSY 0, DONE 1 (write one to clear), TIMEOUT 2, COMPLETION_STATUS 6:4),
/// issuing each request on a configuration-space model `latency` cycles after GO. Every
/// register access takes one cycle.
final class SwitchManagementBlockModel: HAL {
  let model: ConfigurationSpaceModel
  let latency: UInt64
  /// Requests to these BDFs get no completion (the block reports TIMEOUT).
  var silent: Set<BDF> = []
  private(set) var cycles: UInt64 = 0
  private var target: UInt32 = 0, control: UInt32 = 0xF, writeData: UInt32 = 0, readData: UInt32 = 0, status: UInt32 = 0
  private var completesAt: UInt64?

  init(model: ConfigurationSpaceModel, latency: UInt64 = 8) {
    self.model = model
    self.latency = latency
  }

  private func tick(_ n: UInt64 = 1) {
    cycles += n
    if let at = completesAt, cycles >= at { complete() }
  }

  private func complete() {
    completesAt = nil
    let bdf = BDF(bus: UInt8(target >> 8 & 0xFF), device: UInt8(target >> 3 & 0x1F), function: UInt8(target & 0x7))
    let offset = UInt16((target >> 16) & 0x3FF) << 2
    let byteEnables = UInt8(control & 0xF)
    status = 0
    readData = 0
    if silent.contains(bdf) {
      status = 1 << 2
    } else if control & (1 << 8) != 0 {
      status = UInt32(model.write32(bdf, offset: offset, writeData, byteEnables: byteEnables).rawValue) << 4
    } else {
      let r = model.read32(bdf, offset: offset, byteEnables: byteEnables)
      status = UInt32(r.status.rawValue) << 4
      if r.status == .successful { readData = r.value }
    }
    status |= 1 << 1  // DONE
  }

  func read32(_ address: UInt64) -> UInt32 {
    tick()
    switch address {
    case 0x04: return target
    case 0x08: return control
    case 0x0C: return writeData
    case 0x10: return readData
    case 0x14: return status | (completesAt == nil ? 0 : 1)
    default: return 0
    }
  }

  func write32(_ address: UInt64, _ value: UInt32) {
    tick()
    switch address {
    case 0x04: target = value & 0x03FF_FFFF
    case 0x08:
      control = value & 0x10F
      if value & (1 << 31) != 0 && completesAt == nil { completesAt = cycles + latency }
    case 0x0C: writeData = value
    case 0x14: status &= ~(value & 0b10)
    default: break
    }
  }

  func wait(cycles n: UInt64) {
    model.wait(cycles: n)
    tick(n)
  }

  func waitForInterrupt(lines: UInt32, timeoutCycles: UInt64) -> UInt32 {
    wait(cycles: timeoutCycles)
    return 0
  }
}
