import Firmware
import TierModel

/// A `HAL` over the transaction-level model: the firmware's MMIO reads and writes at
/// `baseAddress + offset` become the model's register reads and writes, and the firmware's
/// clock is the model's. Register accesses act at the model's current cycle and, by default,
/// take no simulated time: the management core runs beside the memory port, so its work does
/// not delay the accesses a workload makes (`registerAccessCycles` charges it when wanted).
/// `wait` and `waitForInterrupt` let the model's time pass (copies finish, epochs end).
///
/// Interrupt line 0 (bit 0 of `lines`) is the controller's interrupt output.
public final class TierModelHAL: HAL {
  public var controller: TierController
  public let baseAddress: UInt64
  public var registerAccessCycles: Int
  /// Every register access in order, when `recording` is on (tests decode descriptors from it).
  public var recording = false
  public private(set) var log: [RegisterAccess] = []

  public struct RegisterAccess: Equatable {
    public var cycle: Int
    public var register: TierRegister
    public var value: UInt32
    public var isWrite: Bool
  }

  public init(controller: TierController, baseAddress: UInt64 = 0x2000_0000, registerAccessCycles: Int = 0) {
    self.controller = controller
    self.baseAddress = baseAddress
    self.registerAccessCycles = registerAccessCycles
  }

  func register(at address: UInt64) -> TierRegister {
    guard address >= baseAddress, let r = TierRegister(rawValue: address - baseAddress) else {
      preconditionFailure("the firmware accessed 0x\(String(address, radix: 16)), which is no tier register (base 0x\(String(baseAddress, radix: 16)))")
    }
    return r
  }

  public func read32(_ address: UInt64) -> UInt32 {
    let r = register(at: address)
    let value = controller.readRegister(r)
    if recording { log.append(RegisterAccess(cycle: controller.clock, register: r, value: value, isWrite: false)) }
    spend()
    return value
  }

  public func write32(_ address: UInt64, _ value: UInt32) {
    let r = register(at: address)
    if recording { log.append(RegisterAccess(cycle: controller.clock, register: r, value: value, isWrite: true)) }
    controller.writeRegister(r, value)
    spend()
  }

  func spend() {
    if registerAccessCycles > 0 { controller.idle(until: controller.clock + registerAccessCycles) }
  }

  public func waitForInterrupt(lines: UInt32, timeoutCycles: UInt64) -> UInt32 {
    let deadline = controller.clock + Int(clamping: timeoutCycles)
    while true {
      if lines & 1 != 0 && controller.interruptLine { return 1 }
      if controller.clock >= deadline { return 0 }
      // The next event: a copy finishing or an epoch ending; nothing changes in between.
      var next = deadline
      if let copy = controller.inFlight.map(\.finishes).min() { next = min(next, max(copy, controller.clock + 1)) }
      if controller.hotness.config.enabled { next = min(next, max(controller.hotness.epochEnd, controller.clock + 1)) }
      controller.idle(until: next)
    }
  }

  public func wait(cycles: UInt64) {
    controller.idle(until: controller.clock + Int(clamping: cycles))
  }

  public var cycles: UInt64 { UInt64(controller.clock) }

  public func clearLog() { log.removeAll() }
}
