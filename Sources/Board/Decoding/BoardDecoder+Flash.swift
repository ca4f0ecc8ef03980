extension BoardDecoder {
  static func flash(_ value: YAMLValue) -> FlashLayout? {
    guard let fields = value.fields(BoardSchema.flash) else { return nil }
    // An optional value that is present but unreadable has been reported, which refuses the file.
    let part = fields.optional("part")?.string()
    let jedecID = fields.optional("jedec_id")?.unsigned(bits: 24)
    let size = fields["size"]?.size(minimum: FlashLayout.sectorSize, maximum: FlashLayout.maximumSize, powerOfTwo: true)
    let regions = fields["regions"].flatMap(Self.flashRegions)
    guard let size, let regions else { return nil }
    return FlashLayout(part: part, jedecID: jedecID.map(UInt32.init), size: size, regions: regions)
  }

  /// How regions fit together (overlaps, the flash size, roles) is a board rule.
  static func flashRegions(_ value: YAMLValue) -> [FlashRegion]? {
    guard let items = value.list() else { return nil }
    let regions = items.map(Self.flashRegion)
    return regions.allSatisfy { $0 != nil } ? regions.compactMap { $0 } : nil
  }

  static func flashRegion(_ value: YAMLValue) -> FlashRegion? {
    guard let fields = value.fields(BoardSchema.flashRegion) else { return nil }
    let sector = FlashLayout.sectorSize
    let name = fields["name"]?.string(allowed: nameCharacters, allowedDescription: nameDescription)
    let offset = fields["offset"]?.offset(alignment: sector, bits: 32)
    let size = fields["size"]?.size(minimum: sector, maximum: FlashLayout.maximumSize, multiple: sector)
    let role = fields["role"]?.choice(FlashRegion.Role.allCases.map(\.rawValue)).flatMap(FlashRegion.Role.init(rawValue:))
    guard let name, let offset, let size, let role else { return nil }
    return FlashRegion(name: name, offset: Int(offset), size: size, role: role)
  }
}
