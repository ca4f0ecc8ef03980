/// Tiers hold whole pages; the management processor's RAM fits the address space and its
/// registers lie outside RAM.
enum MemoryMapRules {
  static func check(_ tiers: TierConfig, diagnostics: Diagnostics) {
    let page = tiers.pageSize
    for (name, tier) in [("dram", tiers.dram), ("flash", tiers.flash), ("disk", tiers.disk)] where tier.size % page != 0 {
      let suggestion = tier.size > page
        ? SizeFormatting.nearest(multiplesOf: page, around: tier.size, written: SizeFormatting.size)
        : "the smallest is \(SizeFormatting.size(page))"
      diagnostics.report(
        "tiers.\(name).size: expected a whole number of \(SizeFormatting.size(page)) pages (tiers.page_size), found \(SizeFormatting.size(tier.size)); \(suggestion)",
        atPath: "tiers.\(name).size")
    }
    checkMappedSize(tiers, diagnostics: diagnostics)
  }

  /// The page map has one on-chip entry per page of `mapped_size`: whole pages, at most 2^24.
  private static func checkMappedSize(_ tiers: TierConfig, diagnostics: Diagnostics) {
    let page = tiers.pageSize, size = tiers.mappedSize
    if size % page != 0 {
      let suggestion = size > page
        ? SizeFormatting.nearest(multiplesOf: page, around: size, written: SizeFormatting.size)
        : "the smallest is \(SizeFormatting.size(2 * page))"
      diagnostics.report(
        "tiers.mapped_size: expected a whole number of \(SizeFormatting.size(page)) pages (tiers.page_size), found \(SizeFormatting.size(size)); \(suggestion)",
        atPath: "tiers.mapped_size")
    } else if size / page < 2 || size / page > TierConfig.maxMappedPages {
      diagnostics.report(
        "tiers.mapped_size: \(SizeFormatting.size(size)) is \(size / page) pages of \(SizeFormatting.size(page)); the page map holds 2 to 16777216 "
          + "(24-bit page numbers): use a size from \(SizeFormatting.size(2 * page)) to \(SizeFormatting.size(page * TierConfig.maxMappedPages)), or larger pages",
        atPath: "tiers.mapped_size")
    }
  }

  static func check(_ management: ManagementConfig, diagnostics: Diagnostics) {
    let (ramEnd, overflow) = management.ramBase.addingReportingOverflow(UInt64(management.ramSize))
    if overflow {
      diagnostics.report(
        "management.ram_size: RAM from \(SizeFormatting.hex(management.ramBase, digits: 8)) of \(SizeFormatting.size(management.ramSize)) runs past the end of the 64-bit address space",
        atPath: "management.ram_size")
      return
    }
    if management.mmioBase >= management.ramBase && management.mmioBase < ramEnd {
      diagnostics.report(
        "management.mmio_base: \(SizeFormatting.hex(management.mmioBase, digits: 8)) lies inside RAM (\(SizeFormatting.hex(management.ramBase, digits: 8))..<\(SizeFormatting.hex(ramEnd, digits: 8))); put the registers outside RAM",
        atPath: "management.mmio_base")
    }
  }
}
