/// Flash regions have unique names, lie inside the flash, do not overlap, and provide the
/// A/B update scheme: one slot_a and one slot_b of the same size.
enum FlashLayoutRules {
  /// Roles a layout has at most once; `data` may repeat.
  static let singleRoles: [FlashRegion.Role] = [.boot, .slotA, .slotB, .config]

  static func check(_ flash: FlashLayout, diagnostics: Diagnostics) {
    let regions = flash.regions
    func path(_ index: Int) -> String { "flash.regions[\(index)]" }
    func line(_ index: Int) -> Int { diagnostics.location(of: path(index)).line }
    func describe(_ index: Int) -> String {
      "'\(regions[index].name)' (\(SizeFormatting.range(regions[index].offset, regions[index].end, within: flash.size)))"
    }

    for (index, region) in regions.enumerated() {
      if let first = regions.firstIndex(where: { $0.name == region.name }), first < index {
        diagnostics.report(
          "\(path(index)).name: region name '\(region.name)' is already used by the region at line \(line(first)); names must be unique",
          atPath: "\(path(index)).name")
      }
      if region.end > flash.size {
        diagnostics.report(
          "\(path(index)): region \(describe(index)) ends past the end of the \(SizeFormatting.size(flash.size)) flash at \(SizeFormatting.hex(flash.size, digits: 6))",
          atPath: path(index))
      }
      for earlier in regions.indices where earlier < index {
        let other = regions[earlier]
        if region.offset < other.end && other.offset < region.end {
          diagnostics.report(
            "\(path(index)): region \(describe(index)) overlaps region \(describe(earlier)) at line \(line(earlier))",
            atPath: path(index))
        }
      }
      if singleRoles.contains(region.role), let first = regions.firstIndex(where: { $0.role == region.role }), first < index {
        diagnostics.report(
          "\(path(index)).role: a second \(region.role.rawValue) region; '\(regions[first].name)' at line \(line(first)) already has that role, and only data may appear more than once",
          atPath: "\(path(index)).role")
      }
    }

    let slotA = regions.firstIndex { $0.role == .slotA }
    let slotB = regions.firstIndex { $0.role == .slotB }
    for (role, found) in [(FlashRegion.Role.slotA, slotA), (.slotB, slotB)] where found == nil {
      diagnostics.report(
        "flash.regions: no region has role \(role.rawValue); A/B firmware updates need one slot_a and one slot_b region",
        atKeyOf: "flash.regions")
    }
    if let slotA, let slotB, regions[slotA].size != regions[slotB].size {
      let later = max(slotA, slotB), earlier = min(slotA, slotB)
      diagnostics.report(
        "\(path(later)).size: slot \(describe(later)) is \(SizeFormatting.size(regions[later].size)) but slot \(describe(earlier)) is \(SizeFormatting.size(regions[earlier].size)); both slots hold the same image, so make them the same size",
        atPath: "\(path(later)).size")
    }
  }
}
