import HDL

/// How the names of a register map are spelled in each output: Verilog ports in lower snake
/// case, Swift types in UpperCamelCase and members in lowerCamelCase, SystemRDL and the
/// documentation as written.
enum RegisterNames {
  /// `INTERRUPT_STATUS` → `InterruptStatus`.
  static func typeName(_ name: String) -> String {
    name.split(separator: "_").map { word in word.prefix(1).uppercased() + word.dropFirst().lowercased() }.joined()
  }

  /// `CYCLE_COUNT_LOW` → `cycleCountLow`, with backquotes around a Swift keyword.
  static func memberName(_ name: String) -> String {
    let t = typeName(name)
    let member = t.prefix(1).lowercased() + t.dropFirst()
    return swiftKeywords.contains(member) ? "`\(member)`" : member
  }

  /// The static constants beside a field's property: `doorbellMask`, `doorbellShift`.
  static func maskName(_ field: String) -> String { bareMemberName(field) + "Mask" }
  static func shiftName(_ field: String) -> String { bareMemberName(field) + "Shift" }
  /// The typed view of a field with named values: `modeValue`, and its setter `setMode`.
  static func valueMemberName(_ field: String) -> String { bareMemberName(field) + "Value" }
  static func setterName(_ field: String) -> String { "set" + typeName(field) }
  private static func bareMemberName(_ name: String) -> String {
    let t = typeName(name)
    return t.prefix(1).lowercased() + t.dropFirst()
  }

  /// Names a nested Swift type cannot take.
  static let reservedSwiftTypeNames: Set<String> = ["Type", "Self", "Protocol", "Any"]

  /// The members every generated register type has, which fields must not shadow.
  static let fixedSwiftMembers = ["rawValue", "offset", "resetValue", "writeOneMask", "init"]

  /// The Verilog port of a field's hardware hook: `interrupt_status_timer_set`.
  static func port(register: String, field: String, suffix: String) -> String {
    "\(register.lowercased())_\(field.lowercased())_\(suffix)"
  }

  /// Lowercase hexadecimal without a prefix.
  static func hex(_ value: UInt64) -> String { String(value, radix: 16) }

  static func isIdentifier(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, isLetter(first) else { return false }
    return s.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || $0 == "_" }
  }

  private static func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }

  static let swiftKeywords: Set<String> = [
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
    "internal", "let", "open", "operator", "private", "protocol", "public", "rethrows", "static", "struct",
    "subscript", "typealias", "var", "break", "case", "continue", "default", "defer", "do", "else", "fallthrough",
    "for", "guard", "if", "in", "repeat", "return", "switch", "where", "while", "as", "catch", "false", "is", "nil",
    "super", "self", "throw", "throws", "true", "try", "any", "some",
  ]

  /// SystemRDL 2.0 keywords (clause 4.4), which cannot name a register or field.
  static let systemRDLKeywords: Set<String> = [
    "abstract", "accesstype", "addressingtype", "addrmap", "alias", "all", "bit", "boolean", "bothedge", "compact",
    "component", "componentwidth", "constraint", "default", "encode", "enum", "external", "false", "field", "fullalign",
    "hw", "inside", "internal", "level", "longint", "mem", "na", "negedge", "nonsticky", "number", "onreadtype",
    "onwritetype", "posedge", "property", "r", "rclr", "ref", "reg", "regalign", "regfile", "rset", "ruser", "rw",
    "rw1", "signal", "signed", "string", "struct", "sw", "this", "true", "type", "unsigned", "w", "w1", "wclr",
    "woclr", "woset", "wot", "wr", "wset", "wuser", "wzc", "wzs", "wzt",
  ]
}

// MARK: - Names in the register block's Verilog

extension RegisterNames {
  /// The flip-flops of a stored field: `interrupt_status_timer`.
  static func storage(register: String, field: String) -> String { "\(register.lowercased())_\(field.lowercased())" }
  /// 1 in a cycle where software writes the register.
  static func writeStrobe(register: String) -> String { "\(register.lowercased())_write" }
  /// 1 in a cycle where software reads the register.
  static func readStrobe(register: String) -> String { "\(register.lowercased())_read" }
  /// Write data and strobe bits that no field uses, gathered so lint sees them as intended.
  static let unusedBusBits = "unused_bus_bits"
  static let busPort = "mmio"
  static let fixedNames = ["clk", "rst", unusedBusBits]
    + ["valid", "write", "address", "wdata", "strobe", "ready", "rdata", "error"].map { "\(busPort)_\($0)" }

  /// Every name the register block declares, with the register or field it belongs to.
  static func verilogNames(_ map: RegisterMap) -> [(name: String, owner: String, location: SourceLocation)] {
    var names = fixedNames.map { ($0, "the register block itself", map.location) }
    for r in map.registers {
      names.append((writeStrobe(register: r.name), "register \(r.name)", r.location))
      names.append((readStrobe(register: r.name), "register \(r.name)", r.location))
      for f in r.fields {
        let owner = "register \(r.name), field \(f.name)"
        if f.isStored { names.append((storage(register: r.name, field: f.name), owner, f.location)) }
        for hook in FieldHardware.hooks where f.hardware.contains(hook.hook) {
          names.append((port(register: r.name, field: f.name, suffix: hook.suffix), owner, f.location))
        }
      }
    }
    return names
  }
}
