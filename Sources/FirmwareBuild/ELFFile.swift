/// The parts of an ELF file (32- or 64-bit, little endian; System V ABI, "ELF header",
/// "Sections", "Symbol Table") the firmware build reports and its tests check.
public struct ELFFile: Sendable {
  public struct Section: Equatable, Sendable {
    public var name: String
    public var type: UInt32
    public var flags: UInt64
    public var address: UInt64
    public var size: UInt64
    public var isAllocated: Bool { flags & 0x2 != 0 }
    public var isWritable: Bool { flags & 0x1 != 0 }
    public var isExecutable: Bool { flags & 0x4 != 0 }
    /// SHT_NOBITS: occupies memory, not file space (.bss).
    public var hasNoBits: Bool { type == 8 }
  }

  public var is64Bit: Bool
  public var machine: UInt16
  public var entry: UInt64
  public var sections: [Section]
  public var symbols: [String: UInt64]

  public init(_ bytes: [UInt8]) throws(FirmwareBuildError) {
    guard bytes.count >= 52, bytes[0..<4] == [0x7F, 0x45, 0x4C, 0x46] else { throw .badELF("no ELF magic") }
    guard bytes[5] == 1 else { throw .badELF("not little endian") }
    is64Bit = bytes[4] == 2
    let r = Reader(bytes: bytes)
    machine = UInt16(r.u(18, 2))
    entry = r.u(24, is64Bit ? 8 : 4)
    let shoff = Int(r.u(is64Bit ? 0x28 : 0x20, is64Bit ? 8 : 4))
    let shentsize = Int(r.u(is64Bit ? 0x3A : 0x2E, 2))
    let shnum = Int(r.u(is64Bit ? 0x3C : 0x30, 2))
    let shstrndx = Int(r.u(is64Bit ? 0x3E : 0x32, 2))
    guard shoff > 0, shoff + shnum * shentsize <= bytes.count, shstrndx < shnum else {
      throw .badELF("section headers outside the file")
    }
    struct Raw { var name: Int; var type: UInt32; var flags: UInt64; var addr: UInt64; var offset: Int; var size: UInt64; var link: Int; var entsize: Int }
    var raws: [Raw] = []
    for i in 0..<shnum {
      let h = shoff + i * shentsize
      let w = is64Bit ? 8 : 4
      let flagsAt = h + 8
      let addrAt = flagsAt + w
      let offAt = addrAt + w
      let sizeAt = offAt + w
      let linkAt = sizeAt + w
      let entAt = linkAt + 8 + w
      raws.append(Raw(name: Int(r.u(h, 4)), type: UInt32(r.u(h + 4, 4)), flags: r.u(flagsAt, w), addr: r.u(addrAt, w),
                      offset: Int(r.u(offAt, w)), size: r.u(sizeAt, w), link: Int(r.u(linkAt, 4)), entsize: Int(r.u(entAt, w))))
    }
    let strtab = raws[shstrndx].offset
    sections = raws.map { Section(name: r.string(strtab + $0.name), type: $0.type, flags: $0.flags, address: $0.addr, size: $0.size) }
    var symbols: [String: UInt64] = [:]
    if let symtab = raws.first(where: { $0.type == 2 }), symtab.link < raws.count, symtab.entsize > 0 {
      let names = raws[symtab.link].offset
      for i in 0..<(Int(symtab.size) / symtab.entsize) {
        let s = symtab.offset + i * symtab.entsize
        let name = r.string(names + Int(r.u(s, 4)))
        let value = is64Bit ? r.u(s + 8, 8) : r.u(s + 4, 4)
        if !name.isEmpty { symbols[name] = value }
      }
    }
    self.symbols = symbols
  }

  /// Berkeley-style sizes (what `size` prints): text = allocated read-only or executable,
  /// data = allocated writable with contents, bss = allocated without contents.
  public var sizes: (text: UInt64, data: UInt64, bss: UInt64) {
    var t: UInt64 = 0, d: UInt64 = 0, b: UInt64 = 0
    for s in sections where s.isAllocated {
      if s.hasNoBits { b += s.size } else if s.isWritable { d += s.size } else { t += s.size }
    }
    return (t, d, b)
  }

  private struct Reader {
    let bytes: [UInt8]
    func u(_ at: Int, _ n: Int) -> UInt64 {
      guard at >= 0, at + n <= bytes.count else { return 0 }
      var v: UInt64 = 0
      for i in 0..<n { v |= UInt64(bytes[at + i]) << (8 * i) }
      return v
    }
    func string(_ at: Int) -> String {
      guard at >= 0, at < bytes.count else { return "" }
      var end = at
      while end < bytes.count && bytes[end] != 0 { end += 1 }
      return String(decoding: bytes[at..<end], as: UTF8.self)
    }
  }
}
