import Firmware
import Simulation

/// A `HAL` on a Verilated model: register accesses in `registers` become cycle-accurate
/// transactions on the node's management port (`<mmio>_valid`, `_write`, `_address`, `_wdata`,
/// `_strobe`; `_ready`, `_rdata`, `_error`), held until the block answers; other addresses go to
/// the node's PCIe side (`pcie`) as memory reads and writes, as the management core's accesses
/// through its root port would, except the node's own RAM (`pcie.localMemory`), which the
/// core reaches directly in `memoryAccessCycles`. `wait(cycles:)` steps the shared clock, `waitForInterrupt`
/// steps it until one of the lines of the `<irq>` output is high, `cycles` is the model's cycle.
///
/// The HAL protocol has no error channel (the board's loads and stores have none either): an
/// access that is never answered, answered with an error or sent nowhere reads all ones, as
/// PCIe reads without a completer do, and is recorded in `faults` for the test to check.
public final class SimulatedHAL: HAL {
  public let system: SimulatedSystem
  /// The addresses that reach the management port; the port sees `address - lowerBound`.
  public let registers: Range<UInt64>
  public let pcie: PCIeLocalSide?
  /// The most cycles an access may wait for an answer.
  public var timeoutCycles = 2000
  /// Accesses that failed, in order, each naming the address and what happened.
  public private(set) var faults: [String] = []
  /// Register accesses made (for figures: cycles per access).
  public private(set) var registerAccesses = 0
  /// Cycles one access to the node's own RAM takes (its memory is not on the model).
  public var memoryAccessCycles = 1

  private let prefix: String
  private let valid: InputPort, write: InputPort, address: InputPort, writeData: InputPort, strobe: InputPort
  private let ready: OutputPort, readData: OutputPort, error: OutputPort
  private let irq: OutputPort?

  /// `mmio` is the management port's prefix (e.g. `a_mmio`), `irq` the interrupt output
  /// (e.g. `a_irq`). Throws, naming the port and the ports that exist, when one is missing.
  public init(system: SimulatedSystem, mmio: String, registers: Range<UInt64>, irq: String? = nil,
              pcie: PCIeLocalSide? = nil) throws {
    self.system = system
    self.registers = registers
    self.pcie = pcie
    prefix = mmio
    let model = system.model
    valid = try model.input("\(mmio)_valid")
    write = try model.input("\(mmio)_write")
    address = try model.input("\(mmio)_address")
    writeData = try model.input("\(mmio)_wdata")
    strobe = try model.input("\(mmio)_strobe")
    ready = try model.output("\(mmio)_ready")
    readData = try model.output("\(mmio)_rdata")
    error = try model.output("\(mmio)_error")
    self.irq = try irq.map { try model.output($0) }
  }

  public func read32(_ at: UInt64) -> UInt32 {
    if registers.contains(at) { return registerAccess(write: false, at, 0) }
    guard let pcie else { return fault("read of 0x\(hex(at)): no register or PCIe side decodes it") }
    if pcie.localMemory.contains(at) {
      system.step(memoryAccessCycles)
      return pcie.bytes(at: at, count: 4).enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * $1.offset) }
    }
    switch pcie.read(at, byteCount: 4, timeoutCycles: timeoutCycles) {
    case .success(let bytes): return bytes.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * $1.offset) }
    case .failure(let why): return fault("read of 0x\(hex(at)) on \(pcie.prefix): \(why)")
    }
  }

  public func write32(_ at: UInt64, _ value: UInt32) {
    if registers.contains(at) { _ = registerAccess(write: true, at, value); return }
    guard let pcie else { _ = fault("write of 0x\(hex(value)) to 0x\(hex(at)): no register or PCIe side decodes it"); return }
    if pcie.localMemory.contains(at) {
      system.step(memoryAccessCycles)
      for i in 0..<4 { pcie.memory[at + UInt64(i)] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
      return
    }
    if let why = pcie.write(at, bytes: (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }, timeoutCycles: timeoutCycles) {
      _ = fault("write to 0x\(hex(at)) on \(pcie.prefix): \(why)")
    }
  }

  public func wait(cycles: UInt64) { system.step(Int(cycles)) }

  public func waitForInterrupt(lines: UInt32, timeoutCycles: UInt64) -> UInt32 {
    guard let irq else { system.step(Int(timeoutCycles)); return 0 }
    var waited: UInt64 = 0
    while true {
      system.settle()
      let raised = UInt32(truncatingIfNeeded: irq.uint64) & lines
      if raised != 0 || waited >= timeoutCycles { return raised }
      system.step()
      waited += 1
    }
  }

  public var cycles: UInt64 { system.cycle }

  private func registerAccess(write isWrite: Bool, _ at: UInt64, _ value: UInt32) -> UInt32 {
    registerAccesses += 1
    valid.set(true)
    write.set(isWrite)
    do {
      try address.set(at - registers.lowerBound)
      try writeData.set(UInt64(value))
      try strobe.set(0xF)
    } catch {
      valid.set(false)
      return fault("\(prefix): 0x\(hex(at)) does not fit the port: \(error)")
    }
    defer { valid.set(false) }
    for _ in 0..<timeoutCycles {
      system.settle()
      if ready.bool {
        let data = UInt32(truncatingIfNeeded: readData.uint64), failed = error.bool
        system.step()
        return failed ? fault("\(prefix): \(isWrite ? "write to" : "read of") 0x\(hex(at)) answered with an error") : data
      }
      system.step()
    }
    return fault("\(prefix): \(isWrite ? "write to" : "read of") 0x\(hex(at)) not answered in \(timeoutCycles) cycles")
  }

  private func fault(_ what: String) -> UInt32 {
    faults.append("cycle \(system.cycle): \(what)")
    return .max
  }
}

func hex<T: BinaryInteger>(_ v: T) -> String { String(v, radix: 16) }
