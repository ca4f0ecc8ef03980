/// A cycle model of the block `registerBlock(map)` builds, in plain integer Swift: the
/// reference its RTL is tested against, and a stand-in for the RTL where a test of firmware
/// needs register behaviour without a simulator.
///
/// Ports are named as in the RTL (`mmio_valid`, `interrupt_status_timer_set`, ...). Each call
/// of `cycle` takes the inputs of one clock cycle, returns the outputs of that cycle (before
/// the clock edge) and then applies the edge.
public struct RegisterBlockModel {
  public let map: RegisterMap
  /// The stored value of each field with flip-flops, by `"REGISTER.FIELD"`, right-aligned.
  public private(set) var stored: [String: UInt32] = [:]

  /// The model just after reset.
  public init(_ map: RegisterMap) {
    self.map = map
    reset()
  }

  /// Returns every stored field to its reset value.
  public mutating func reset() {
    for r in map.registers {
      for f in r.fields where f.isStored { stored[key(r, f)] = f.reset }
    }
  }

  /// One clock cycle: `inputs` by port name (a missing input is 0), the outputs by port name.
  public mutating func cycle(_ inputs: [String: UInt64]) -> [String: UInt64] {
    func input(_ name: String) -> UInt64 { inputs[name] ?? 0 }
    let valid = input("mmio_valid") & 1 == 1
    let isWrite = input("mmio_write") & 1 == 1
    let address = input("mmio_address")
    let data = UInt32(truncatingIfNeeded: input("mmio_wdata"))
    let strobe = input("mmio_strobe")
    let target = valid ? map.registers.first { $0.offset == address } : nil
    let bitEnabled = (0..<32).reduce(UInt32(0)) { $0 | (strobe >> UInt64($1 / 8) & 1 == 1 ? 1 << UInt32($1) : 0) }

    var outputs: [String: UInt64] = [
      "mmio_ready": valid ? 1 : 0,
      "mmio_error": valid && target == nil ? 1 : 0,
      "mmio_rdata": 0,
    ]
    var next = stored
    for r in map.registers {
      let written = target?.name == r.name && isWrite
      let read = target?.name == r.name && !isWrite
      var registerValue: UInt32 = 0
      for f in r.fields {
        let ones = UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(f.width)) - 1)
        func port(_ suffix: String) -> String { RegisterNames.port(register: r.name, field: f.name, suffix: suffix) }
        let value: UInt32
        if f.isHardwareValue { value = UInt32(truncatingIfNeeded: input(port("in"))) & ones }
        else if f.isStored { value = stored[key(r, f)]! }
        else { value = f.reset }
        registerValue |= value << UInt32(f.lowBit)

        if f.hardware.contains(.output) { outputs[port("out")] = UInt64(value) }
        if f.hardware.contains(.readPulse) { outputs[port("read")] = read ? 1 : 0 }
        if f.hardware.contains(.writePulse) {
          outputs[port("written")] = written && bitEnabled & f.mask != 0 ? 1 : 0
        }
        guard f.isStored else { continue }
        var v = value
        let enabled = (bitEnabled >> UInt32(f.lowBit)) & ones
        let d = (data >> UInt32(f.lowBit)) & ones
        switch f.access {
        case .readWrite where written: v = (v & ~enabled) | (d & enabled)
        case .writeOneToClear where written: v &= ~(d & enabled)
        case .writeOneToSet where written: v |= d & enabled
        case .readToClear where read: v = 0
        default: break
        }
        if f.hardware.contains(.load) && input(port("load")) & 1 == 1 { v = UInt32(truncatingIfNeeded: input(port("load_value"))) & ones }
        if f.hardware.contains(.clear) && input(port("clear")) & 1 == 1 { v = 0 }
        if f.hardware.contains(.set) && input(port("set")) & 1 == 1 { v = ones }
        next[key(r, f)] = v
      }
      if read { outputs["mmio_rdata"] = UInt64(registerValue) }
    }
    stored = next
    return outputs
  }

  /// The value software would read from `register` now (hardware inputs taken as 0).
  public func value(of register: String) -> UInt32? {
    guard let r = map.register(named: register) else { return nil }
    return r.fields.reduce(UInt32(0)) { acc, f in
      let v = f.isHardwareValue ? 0 : (f.isStored ? stored[key(r, f)]! : f.reset)
      return acc | v << UInt32(f.lowBit)
    }
  }

  private func key(_ r: Register, _ f: Field) -> String { "\(r.name).\(f.name)" }
}

// MARK: - One access at a time

extension RegisterBlockModel {
  /// A read of the register at byte `offset` in one cycle with hardware inputs at 0: the value,
  /// or nil when the block answers with an error (unmapped or misaligned offset).
  public mutating func read(_ offset: UInt64) -> UInt32? {
    let out = cycle(["mmio_valid": 1, "mmio_write": 0, "mmio_address": offset])
    return out["mmio_error"] == 1 ? nil : UInt32(out["mmio_rdata"]!)
  }

  /// A write of `value` to byte `offset` with byte enables `strobe`, in one cycle with hardware
  /// inputs at 0. Returns false when the block answers with an error.
  @discardableResult
  public mutating func write(_ offset: UInt64, _ value: UInt32, strobe: UInt8 = 0xF) -> Bool {
    let out = cycle(["mmio_valid": 1, "mmio_write": 1, "mmio_address": offset, "mmio_wdata": UInt64(value), "mmio_strobe": UInt64(strobe)])
    return out["mmio_error"] == 0
  }
}
