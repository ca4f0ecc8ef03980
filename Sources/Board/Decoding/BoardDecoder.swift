/// From the text of a board file to a validated `Board`, in three steps that each refuse
/// the file whole: YAML syntax; the shape and range of every value (all such mistakes are
/// reported together, in file order); then the rules that span several values (also all
/// together). The rules run only on a file whose every value was readable, so they never
/// report consequences of an earlier mistake.
enum BoardDecoder {
  static let nameCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789_-")
  static let nameDescription = "lowercase letters, digits, '_' and '-'"

  static func decode(yaml: String, file: String) throws(BoardError) -> Board {
    let root = try YAMLSyntax.compose(yaml, file: file)
    let diagnostics = Diagnostics(file: file)
    let decoded = board(YAMLValue(node: root, path: "", diagnostics: diagnostics))
    if let error = diagnostics.combinedError() { throw error }
    guard let board = decoded else {
      // Every reader that returns nil reports why; reaching here is a bug in this decoder.
      throw BoardError(file: file, line: 0, column: 0, message: "the board could not be read (internal error)")
    }
    BoardRules.check(board, diagnostics: diagnostics)
    if let error = diagnostics.combinedError() { throw error }
    return board
  }

  static func board(_ value: YAMLValue) -> Board? {
    guard let fields = value.fields(BoardSchema.top) else { return nil }
    let name = fields["board"]?.string(allowed: nameCharacters, allowedDescription: nameDescription)
    let id = fields["id"]?.unsigned(bits: 16)
    let clockMHz = fields["clock_mhz"]?.integer(in: 1...1000)
    let datapathBits = fields["datapath_bits"]?.integer(oneOf: [64, 128, 256])
    let nodeCount = fields["nodes"]?.integer(in: 1...8)
    let switchConfig = fields["switch"].flatMap(Self.switchConfig)
    let ntb = fields["ntb"].flatMap(Self.ntb)
    let tiers = fields["tiers"].flatMap(Self.tiers)
    let management = fields["management"].flatMap(Self.management)
    let flash = fields["flash"].flatMap(Self.flash)
    let cable = fields["cable"].flatMap(Self.cable)
    guard let name, let id, let clockMHz, let datapathBits, let nodeCount, let switchConfig,
      let ntb, let tiers, let management, let flash, let cable
    else { return nil }
    return Board(
      name: name, id: UInt16(id), clockMHz: clockMHz, datapathBits: datapathBits, nodeCount: nodeCount,
      switchConfig: switchConfig, ntb: ntb, tiers: tiers, management: management, flash: flash, cable: cable)
  }

  static func switchConfig(_ value: YAMLValue) -> SwitchConfig? {
    guard let fields = value.fields(BoardSchema.switchSection) else { return nil }
    let downstreamPorts = fields["downstream_ports"]?.integer(in: 1...8)
    let linkWidth = fields["link_width"]?.integer(oneOf: [1, 2, 4, 8, 16])
    let linkSpeed = fields["link_speed_gts"]?.decimal(oneOf: [2.5, 5.0, 8.0, 16.0, 32.0])
    let maxPayload = fields["max_payload_bytes"]?.size(minimum: 128, maximum: 4096, powerOfTwo: true)
    guard let downstreamPorts, let linkWidth, let linkSpeed, let maxPayload else { return nil }
    return SwitchConfig(
      downstreamPorts: downstreamPorts, linkWidth: linkWidth, linkSpeedGTs: linkSpeed, maxPayloadBytes: maxPayload)
  }

  static func management(_ value: YAMLValue) -> ManagementConfig? {
    guard let fields = value.fields(BoardSchema.management) else { return nil }
    let triple = fields["triple"].flatMap(Self.targetTriple)
    let ramBase = fields["ram_base"]?.offset(alignment: 4096, bits: 64)
    let ramSize = fields["ram_size"]?.size(minimum: 4096, multiple: 4096)
    let mmioBase = fields["mmio_base"]?.offset(alignment: 4096, bits: 64)
    guard let triple, let ramBase, let ramSize, let mmioBase else { return nil }
    return ManagementConfig(triple: triple, ramBase: ramBase, ramSize: ramSize, mmioBase: mmioBase)
  }

  /// `arch-vendor-os` or `arch-vendor-os-environment`, as LLVM spells targets.
  static func targetTriple(_ value: YAMLValue) -> String? {
    let expectation = "a target triple such as aarch64-none-none-elf or riscv32-unknown-none-elf"
    guard let triple = value.string() else { return nil }
    let parts = triple.split(separator: "-", omittingEmptySubsequences: false)
    let partCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")
    guard (3...4).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(partCharacters.contains) }) else {
      return value.outOfRange(expected: expectation)
    }
    return triple
  }
}
