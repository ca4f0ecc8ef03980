import HDL

/// The CSR block of `map`: a responder on an `MMIO` port named `mmio` (32-bit data, byte
/// addresses relative to the map's base, `map.addressWidth` bits), and per field the hardware
/// ports its `FieldHardware` asks for, named `<register>_<field>_<in|set|clear|out|written|read>`.
///
/// Timing: zero wait states. `ready` equals `valid`, so every access completes in the cycle it
/// is presented; a read's `rdata` is the registers' value in that cycle (before the access takes
/// effect), and 0 in cycles without a read. Writes and read side effects land at the clock edge.
/// `error` is raised with `ready` for an address that is not a register (including one not
/// aligned to 4 bytes); such an access changes nothing and reads 0.
///
/// Per field, at the clock edge: software's effect (RW stores, W1C clears, W1S sets — only the
/// bits whose byte `strobe` is 1 —, RC clears on read); then hardware wins: `_clear` clears and
/// `_set` sets, `_set` winning over `_clear`, so that no event is lost to a simultaneous write.
public func registerBlock(_ map: RegisterMap) -> Module {
  let variant = map.parameters.map { "_\($0.name)\($0.value)" }.joined()
  return Module(map.name + variant) { m in
    RegisterBlockBody(map: map, m: m).statements()
  }
}

/// Builds the body of one register block.
private struct RegisterBlockBody {
  let map: RegisterMap
  let m: ModuleBuilder
  let bus: MMIO

  init(map: RegisterMap, m: ModuleBuilder) {
    self.map = map
    self.m = m
    // Declared first so that `clk` and `rst` lead the port list, as readers expect.
    if map.registers.contains(where: { $0.fields.contains(where: \.isStored) }) { _ = m.defaultDomain }
    self.bus = m.port(RegisterNames.busPort, MMIO(addressWidth: map.addressWidth, dataWidth: 32).flipped)
  }

  func statements() -> [Statement] {
    let reading = bus.valid && !bus.write
    let writing = bus.valid && bus.write
    var body: [Statement] = [bus.ready <== bus.valid]
    body += unusedBusBits()

    var values: [(register: Register, value: Signal)] = []
    var mapped: Signal?
    for r in map.registers {
      let hit = bus.address == Int(r.offset)
      mapped = mapped.map { $0 || hit } ?? hit
      // Strobes only for registers with something to do on a write or a read.
      var write: Signal?, read: Signal?
      if r.fields.contains(where: { $0.access.isWritable }) {
        write = m.wire(RegisterNames.writeStrobe(register: r.name), file: r.file, line: r.line)
        body += StatementBuilder.buildExpression(write! <== writing && hit, file: r.file, line: r.line)
      }
      if r.fields.contains(where: { $0.access == .readToClear || $0.hardware.contains(.readPulse) }) {
        read = m.wire(RegisterNames.readStrobe(register: r.name), file: r.file, line: r.line)
        body += StatementBuilder.buildExpression(read! <== reading && hit, file: r.file, line: r.line)
      }
      var parts: [(low: Int, value: Signal)] = []
      for f in r.fields {
        let (value, fieldBody) = field(f, of: r, write: write, read: read)
        parts.append((f.lowBit, value))
        // Stamped with the field's line, so the Verilog points at its description.
        body += fieldBody.flatMap { StatementBuilder.buildExpression($0, file: f.file, line: f.line) }
      }
      values.append((r, assemble(parts)))
    }
    body.append(bus.error <== bus.valid && !(mapped ?? .low))
    body.append(bus.readData <== 0)
    body.append(when(reading) {
      switchOn(bus.address) {
        for v in values {
          Case(Int(v.register.offset)) {
            StatementBuilder.buildExpression(bus.readData <== v.value, file: v.register.file, line: v.register.line)
          }
        }
      }
    })
    return body
  }

  /// The field's current value and the statements that update it and drive its hardware ports.
  private func field(_ f: Field, of r: Register, write: Signal?, read: Signal?) -> (Signal, [Statement]) {
    func port(_ hook: FieldHardware, input: Bool, suffix: String? = nil) -> Signal? {
      guard f.hardware.contains(hook),
            let entry = FieldHardware.hooks.first(where: { $0.hook == hook && (suffix == nil || $0.suffix == suffix) }) else { return nil }
      let name = RegisterNames.port(register: r.name, field: f.name, suffix: entry.suffix)
      let width = entry.isFieldWide ? f.width : 1
      return input ? m.input(name, width: width, file: f.file, line: f.line) : m.output(name, width: width, file: f.file, line: f.line)
    }
    var body: [Statement] = []
    let value: Signal
    if let fromHardware = port(.input, input: true) {
      value = fromHardware
    } else if !f.isStored {
      value = .constant(Int(f.reset), width: f.width)
    } else {
      let q = m.register(RegisterNames.storage(register: r.name, field: f.name), width: f.width, reset: Int(f.reset),
                         file: f.file, line: f.line)
      let data = bus.writeData[f.bits], enabled = strobedBits(f)
      // A condition and its assignment, both stamped with the field's line.
      func on(_ condition: Signal, _ assignment: Statement) -> Statement {
        when(condition, file: f.file, line: f.line) { StatementBuilder.buildExpression(assignment, file: f.file, line: f.line) }
      }
      switch (f.access, write, read) {
      case (.readWrite, let write?, _): body.append(on(write, q <== (q & ~enabled) | (data & enabled)))
      case (.writeOneToClear, let write?, _): body.append(on(write, q <== q & ~(data & enabled)))
      case (.writeOneToSet, let write?, _): body.append(on(write, q <== q | (data & enabled)))
      case (.readToClear, _, let read?): body.append(on(read, q <== 0))
      default: break
      }
      if let load = port(.load, input: true, suffix: "load"), let loaded = port(.load, input: true, suffix: "load_value") {
        body.append(on(load, q <== loaded))
      }
      if let clear = port(.clear, input: true) { body.append(on(clear, q <== 0)) }
      if let set = port(.set, input: true) { body.append(on(set, q <== Signal.ones(width: f.width))) }
      value = q
    }
    if let out = port(.output, input: false) { body.append(out <== value) }
    if let written = port(.writePulse, input: false), let write {
      let lanes = Set(f.bits.map { $0 / 8 }).sorted().map { bus.strobe[$0] }
      body.append(written <== write && concat(lanes).reduceOr())
    }
    if let pulse = port(.readPulse, input: false), let read { body.append(pulse <== read) }
    return (value, body)
  }

  /// One bit per bit of the field: 1 where the byte lane holding it is strobed.
  private func strobedBits(_ f: Field) -> Signal {
    let lanes = Dictionary(grouping: f.bits, by: { $0 / 8 })
    return concat(lanes.keys.sorted().reversed().map { lane in
      lanes[lane]!.count == 1 ? bus.strobe[lane] : bus.strobe[lane].replicated(lanes[lane]!.count)
    })
  }

  /// The 32-bit register value from its fields, with zeros in the bits no field uses.
  private func assemble(_ parts: [(low: Int, value: Signal)]) -> Signal {
    var pieces: [Signal] = []
    var next = 0
    for p in parts.sorted(by: { $0.low < $1.low }) {
      if p.low > next { pieces.append(.zero(width: p.low - next)) }
      pieces.append(p.value)
      next = p.low + p.value.width
    }
    if next < 32 { pieces.append(.zero(width: 32 - next)) }
    return concat(pieces.reversed())
  }

  /// Write data and strobe bits no field stores, read into a wire named so that Verilator's
  /// `-Wall` knows they are unused on purpose (its default `--unused-regexp` is `*unused*`).
  private func unusedBusBits() -> [Statement] {
    let stored = map.registers.flatMap(\.fields).filter { $0.access.isWritable }.reduce(UInt32(0)) { $0 | $1.mask }
    guard stored != .max else { return [] }
    let unused = m.wire(RegisterNames.unusedBusBits, width: 36)
    return [unused <== concat(bus.writeData, bus.strobe)]
  }
}
