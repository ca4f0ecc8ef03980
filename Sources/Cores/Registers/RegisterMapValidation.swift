import HDL

/// The checks a register map must pass before anything is generated from it. Each problem
/// names the register (and field) and says what would fix it.
struct RegisterMapValidation {
  let map: RegisterMap
  init(_ map: RegisterMap) { self.map = map }

  /// Every problem, each starting with the Swift line that describes the culprit.
  func problems() -> [String] {
    var problems: [String] = []
    problems += at(map.location, mapProblems())
    for r in map.registers { problems += at(r.location, registerProblems(r)) + fieldProblems(r) }
    problems += duplicateRegisters()
    if problems.isEmpty { problems += verilogNameClashes() + swiftNameClashes() }
    return problems
  }

  private func at(_ location: SourceLocation, _ problems: [String]) -> [String] { problems.map { "\(location): \($0)" } }

  private func mapProblems() -> [String] {
    var problems = nameProblems(map.name, what: "the map name")
    if map.baseAddress % 4 != 0 {
      problems.append("base address 0x\(RegisterNames.hex(map.baseAddress)) is not 4-byte aligned; registers are 32-bit words, so use a multiple of 4")
    }
    if map.registers.isEmpty { problems.append("the map has no registers; add at least one `Register`") }
    for p in map.parameters where !RegisterNames.isIdentifier(p.name) {
      problems.append("parameter `\(p.name)` is not usable in a module name; use letters, digits and underscores")
    }
    return problems
  }

  private func registerProblems(_ r: Register) -> [String] {
    let where_ = "register \(r.name)"
    var problems = nameProblems(r.name, what: where_)
    if r.offset % 4 != 0 {
      problems.append("\(where_): offset 0x\(RegisterNames.hex(r.offset)) is not 4-byte aligned; use 0x\(RegisterNames.hex(r.offset & ~3)) or 0x\(RegisterNames.hex((r.offset | 3) + 1))")
    }
    if r.fields.isEmpty { problems.append("\(where_) has no fields; add one (a whole-register field is `bits: 0...31`)") }
    return problems
  }

  /// Registers sharing a name or an offset, reported at the later one.
  private func duplicateRegisters() -> [String] {
    var problems: [String] = []
    var registersByName: [String: String] = [:]
    var registersByOffset: [UInt64: String] = [:]
    for r in map.registers {
      let where_ = "register \(r.name)"
      if let other = registersByName[r.name.lowercased()] {
        problems.append("\(r.location): \(where_): the name is used twice (also \(other)); names must differ ignoring case, as they become Verilog ports and Swift types")
      }
      registersByName[r.name.lowercased()] = registersByName[r.name.lowercased()] ?? where_
      if r.offset % 4 == 0, let other = registersByOffset[r.offset] {
        problems.append("\(r.location): \(where_) overlaps \(other) at offset 0x\(RegisterNames.hex(r.offset)); give it a free offset such as 0x\(RegisterNames.hex(map.span))")
      }
      registersByOffset[r.offset] = registersByOffset[r.offset] ?? where_
    }
    return problems
  }

  /// Names joined with `_` can meet: register A_B's field C and register A's field B_C.
  private func verilogNameClashes() -> [String] {
    var owners: [String: String] = [:]
    var problems: [String] = []
    for (name, owner, location) in RegisterNames.verilogNames(map) {
      if let first = owners[name], first != owner {
        problems.append("\(location): \(owner): its Verilog signal `\(name)` is also a signal of \(first); rename one of them")
      }
      owners[name] = owners[name] ?? owner
    }
    return problems
  }

  /// Names in the generated Swift: `A_1` and `A1` both become `A1`.
  private func swiftNameClashes() -> [String] {
    var problems: [String] = []
    var types: [String: String] = [:]
    for r in map.registers {
      let type = RegisterNames.typeName(r.name)
      if let other = types[type] {
        problems.append("\(r.location): register \(r.name): its Swift type `\(type)` is also the type of register \(other); rename one of them")
      }
      types[type] = types[type] ?? r.name
      var members = Dictionary(uniqueKeysWithValues: RegisterNames.fixedSwiftMembers.map { ($0, "the register type itself") })
      for f in r.fields {
        let plain = RegisterNames.memberName(f.name).filter { $0 != "`" }
        let typed = f.values.isEmpty ? [] : [RegisterNames.valueMemberName(f.name), RegisterNames.setterName(f.name)]
        for member in [plain, RegisterNames.maskName(f.name), RegisterNames.shiftName(f.name)] + typed {
          if let other = members[member] {
            problems.append("\(f.location): register \(r.name), field \(f.name): its Swift member `\(member)` clashes with \(other); rename the field")
          }
          members[member] = members[member] ?? "field \(f.name)"
        }
      }
    }
    return problems
  }

  private func fieldProblems(_ r: Register) -> [String] {
    var problems: [String] = []
    var owner = [String?](repeating: nil, count: 32)
    var names: [String: String] = [:]
    for f in r.fields {
      let where_ = "register \(r.name), field \(f.name)"
      var fieldProblems = nameProblems(f.name, what: where_)
      defer { problems += at(f.location, fieldProblems) }
      if names[f.name.lowercased()] != nil {
        fieldProblems.append("\(where_): the register has two fields of this name (ignoring case); rename one")
      }
      names[f.name.lowercased()] = f.name
      guard f.lowBit >= 0, f.highBit <= 31 else {
        fieldProblems.append("\(where_): bits \(f.lowBit)...\(f.highBit) are outside the 32-bit register; use bits within 0...31")
        continue
      }
      for bit in f.bits {
        if let other = owner[bit] {
          fieldProblems.append("\(where_): bits \(f.lowBit)...\(f.highBit) overlap field \(other) at bit \(bit); move one of them to free bits")
          break
        }
        owner[bit] = f.name
      }
      if f.width < 32 && f.reset >> UInt32(f.width) != 0 {
        fieldProblems.append("\(where_): reset value 0x\(RegisterNames.hex(UInt64(f.reset))) does not fit in \(f.width) bit(s); the largest is 0x\(RegisterNames.hex((1 << UInt64(f.width)) - 1))")
      }
      fieldProblems += hardwareProblems(f, where_: where_) + valueProblems(f, where_: where_)
    }
    return problems
  }

  private func valueProblems(_ f: Field, where_: String) -> [String] {
    var problems: [String] = []
    var names: [String: String] = [:]
    var values: [UInt32: String] = [:]
    if !f.values.isEmpty && RegisterNames.reservedSwiftTypeNames.contains(RegisterNames.typeName(f.name)) {
      problems.append("\(where_): its values would be a Swift type `\(RegisterNames.typeName(f.name))`, which Swift reserves; rename the field")
    }
    for v in f.values {
      let what = "\(where_), value \(v.name)"
      problems += nameProblems(v.name, what: what)
      if let other = names[RegisterNames.memberName(v.name)] {
        problems.append("\(what): the field already has a value named \(other) (the same in Swift); rename one")
      }
      names[RegisterNames.memberName(v.name)] = names[RegisterNames.memberName(v.name)] ?? v.name
      if f.width < 32 && v.value >> UInt32(f.width) != 0 {
        problems.append("\(what): \(v.value) does not fit in the field's \(f.width) bit(s); the largest is \((1 << UInt64(f.width)) - 1)")
      }
      if let other = values[v.value] {
        problems.append("\(what): \(v.value) is also the value of \(other); give each name its own value")
      }
      values[v.value] = values[v.value] ?? v.name
    }
    return problems
  }

  private func hardwareProblems(_ f: Field, where_: String) -> [String] {
    var problems: [String] = []
    let hw = f.hardware
    if hw.contains(.input) {
      if f.access != .readOnly {
        problems.append("\(where_): `.input` (value from hardware) needs access .readOnly, not \(f.access.rawValue); software cannot also store into it")
      }
      if f.reset != 0 {
        problems.append("\(where_): the value comes from hardware every cycle, so reset 0x\(RegisterNames.hex(UInt64(f.reset))) can never be seen; remove `reset:`")
      }
      if hw.contains(.output) {
        problems.append("\(where_): `.output` would return hardware's own `.input` value to it; remove `.output`")
      }
    }
    if hw.contains(.load) && hw.contains(.input) {
      problems.append("\(where_): `.load` stores into a flip-flop but `.input` makes the field follow hardware every cycle; keep one of them")
    }
    if f.access == .readOnly && !hw.contains(.load) && !hw.intersection([.set, .clear]).isEmpty {
      problems.append("\(where_): a read-only field has no flip-flop for `.set`/`.clear` to act on; use `.input` for a value from hardware, `.load` to store one, or access .readToClear for a flag")
    }
    if hw.contains(.writePulse) && !f.access.isWritable {
      problems.append("\(where_): `.writePulse` on a \(f.access.rawValue) field would never fire because software cannot write it; remove it")
    }
    return problems
  }

  private func nameProblems(_ name: String, what: String) -> [String] {
    if !RegisterNames.isIdentifier(name) {
      return ["\(what): `\(name)` is not a usable name; use letters, digits and underscores, starting with a letter"]
    }
    if RegisterNames.systemRDLKeywords.contains(name.lowercased()) {
      return ["\(what): `\(name)` is a SystemRDL keyword; choose another name"]
    }
    if name.hasSuffix("_") || name.contains("__") {
      return ["\(what): `\(name)` has an empty word between underscores; Verilog ports join names with `_`, so remove the extra underscore"]
    }
    return []
  }
}

