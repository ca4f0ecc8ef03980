import HDL

/// How software may access a field, in the vocabulary of datasheets and SystemRDL.
public enum Access: String, CaseIterable, Sendable {
  /// Read and write: a write stores the (strobed) data.
  case readWrite = "RW"
  /// Read only: writes are ignored. The value is the reset value (a constant) or comes from
  /// hardware each cycle (`.input`).
  case readOnly = "RO"
  /// Write one to clear: each 1 written clears that bit; 0s leave bits alone (status flags).
  case writeOneToClear = "W1C"
  /// Write one to set: each 1 written sets that bit; 0s leave bits alone (requests).
  case writeOneToSet = "W1S"
  /// Read to clear: a read returns the value and clears the field; writes are ignored.
  case readToClear = "RC"

  /// True when a software write can change the field.
  public var isWritable: Bool { self == .readWrite || self == .writeOneToClear || self == .writeOneToSet }
}

/// The hardware side of a field: which ports the register block gives it, each named
/// `<register>_<field>_<suffix>` in lower case.
public struct FieldHardware: OptionSet, Hashable, Sendable {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }

  /// Hardware supplies the field's value every cycle (read-only fields): input `_in`.
  public static let input = FieldHardware(rawValue: 1 << 0)
  /// The field's stored value goes to hardware: output `_out`.
  public static let output = FieldHardware(rawValue: 1 << 1)
  /// A 1-bit pulse that sets every bit of the field (an event raising a status flag): input `_set`.
  public static let set = FieldHardware(rawValue: 1 << 2)
  /// A 1-bit pulse that clears the field (hardware acknowledging a request): input `_clear`.
  public static let clear = FieldHardware(rawValue: 1 << 3)
  /// A 1-cycle pulse when a software write reaches a byte of the field: output `_written`.
  public static let writePulse = FieldHardware(rawValue: 1 << 4)
  /// A 1-cycle pulse when software reads the register: output `_read`.
  public static let readPulse = FieldHardware(rawValue: 1 << 5)
  /// Hardware stores a value into the field: a 1-bit strobe `_load` and the value `_load_value`
  /// (field width). For a value that arrives from elsewhere (a peer's write across a link landing
  /// in a scratchpad); on a read-only field it gives the field a flip-flop software only reads.
  public static let load = FieldHardware(rawValue: 1 << 6)

  /// Every hook port with its suffix, direction and whether it is as wide as the field (else
  /// 1 bit), as the register block sees it, in port order. `.load` has two ports.
  public static let hooks: [(hook: FieldHardware, suffix: String, isInput: Bool, isFieldWide: Bool)] = [
    (.input, "in", true, true), (.load, "load", true, false), (.load, "load_value", true, true),
    (.set, "set", true, false), (.clear, "clear", true, false),
    (.output, "out", false, true), (.writePulse, "written", false, false), (.readPulse, "read", false, false),
  ]
}

/// A named value of a field, such as a mode: the field's bits right-aligned, a name for firmware
/// and documentation, and what it means (SystemRDL's enumerated `encode`).
public struct FieldValue: Sendable {
  public let name: String
  public let value: UInt32
  public let description: String

  public init(_ name: String, _ value: UInt32, _ description: String) {
    self.name = name
    self.value = value
    self.description = description
  }
}

/// A group of bits of a register with one meaning.
public struct Field: Sendable {
  public let name: String
  /// The bit positions, least significant first: `4...7` is bits [7:4].
  public let bits: ClosedRange<Int>
  public let access: Access
  /// The value after reset, right-aligned (bit 0 of `reset` is the field's lowest bit).
  public let reset: UInt32
  public let description: String
  public let hardware: FieldHardware
  /// Named values of the field (none when any value is just a number).
  public let values: [FieldValue]
  /// Where the field is described: named in validation errors and in the generated Verilog.
  public var location: SourceLocation { SourceLocation(file: file, line: line) }
  let file: StaticString
  let line: UInt

  public init(_ name: String, bits: ClosedRange<Int>, access: Access, reset: UInt32 = 0,
              description: String, hardware: FieldHardware = [], values: [FieldValue] = [],
              file: StaticString = #fileID, line: UInt = #line) {
    self.name = name
    self.bits = bits
    self.access = access
    self.reset = reset
    self.description = description
    self.hardware = hardware
    self.values = values
    self.file = file
    self.line = line
  }

  /// A one-bit field.
  public init(_ name: String, bit: Int, access: Access, reset: UInt32 = 0,
              description: String, hardware: FieldHardware = [], values: [FieldValue] = [],
              file: StaticString = #fileID, line: UInt = #line) {
    self.init(name, bits: bit...bit, access: access, reset: reset, description: description, hardware: hardware,
              values: values, file: file, line: line)
  }

  public var width: Int { bits.count }
  public var lowBit: Int { bits.lowerBound }
  public var highBit: Int { bits.upperBound }
  /// The field's bits in place within the register (valid once the map has checked the range).
  public var mask: UInt32 { UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(width)) - 1) << UInt32(lowBit) }
  /// The field's value follows a hardware input rather than a flip-flop.
  public var isHardwareValue: Bool { hardware.contains(.input) }
  /// The field has a flip-flop in the register block (a read-only field is a wire or a constant,
  /// unless hardware loads it).
  public var isStored: Bool { access != .readOnly || hardware.contains(.load) }
  /// The reset value shifted into place.
  public var resetInPlace: UInt32 { isHardwareValue ? 0 : reset << UInt32(lowBit) }
}

/// A 32-bit register at a byte offset from its block's base address.
public struct Register: Sendable {
  public let name: String
  public let offset: UInt64
  public let description: String
  /// The fields, in the order given (documentation lists them from the most significant bit).
  public let fields: [Field]
  /// Where the register is described: named in validation errors and in the generated Verilog.
  public var location: SourceLocation { SourceLocation(file: file, line: line) }
  let file: StaticString
  let line: UInt

  public init(_ name: String, offset: UInt64, description: String, fields: [Field],
              file: StaticString = #fileID, line: UInt = #line) {
    self.name = name
    self.offset = offset
    self.description = description
    self.fields = fields
    self.file = file
    self.line = line
  }

  /// The register's value after reset.
  public var resetValue: UInt32 { fields.reduce(0) { $0 | $1.resetInPlace } }
  /// The accesses of its fields, once each, in first-use order ("RW", "RO/W1C").
  public var accessSummary: String {
    var seen: [Access] = []
    for f in fields where !seen.contains(f.access) { seen.append(f.access) }
    return seen.map(\.rawValue).joined(separator: "/")
  }
  public var isWritable: Bool { fields.contains { $0.access.isWritable } }
}

/// A block of registers at a base address: the one description from which the CSR RTL, the
/// firmware's Swift accessors, the Markdown documentation and the SystemRDL export are made.
/// Building one validates it; an invalid map is refused whole with every problem listed.
public struct RegisterMap: Sendable {
  /// The block's name (a Verilog, SystemRDL and Swift identifier, such as `system_control`).
  public let name: String
  public let baseAddress: UInt64
  public let description: String
  public let registers: [Register]
  /// Values baked into this map (for example a node index in a read-only constant) that make one
  /// instance of a map differ from another of the same name; they become part of the Verilog
  /// module name (`system_control_board1_node3`) so that each variant is its own module.
  public let parameters: [(name: String, value: Int)]
  /// Where the map is described.
  public let location: SourceLocation

  public init(name: String, baseAddress: UInt64, description: String = "", registers: [Register],
              parameters: [(name: String, value: Int)] = [], file: StaticString = #fileID, line: UInt = #line) throws {
    self.location = SourceLocation(file: file, line: line)
    self.name = name
    self.baseAddress = baseAddress
    self.description = description
    self.registers = registers
    self.parameters = parameters
    let problems = RegisterMapValidation(self).problems()
    if !problems.isEmpty { throw RegisterMapError(map: name, problems: problems) }
  }

  /// The bytes the block decodes: up to and including the last register's four bytes.
  public var span: UInt64 { (registers.map(\.offset).max() ?? 0) + 4 }
  /// The narrowest byte address that reaches every register.
  public var addressWidth: Int { max(2, 64 - (span - 1).leadingZeroBitCount) }

  public func register(named name: String) -> Register? { registers.first { $0.name == name } }
}

/// Why a register map was refused: every problem found, each naming the register or field and the fix.
public struct RegisterMapError: Error, CustomStringConvertible {
  public let map: String
  public let problems: [String]
  public var description: String {
    "register map `\(map)` is invalid:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
  }
}
