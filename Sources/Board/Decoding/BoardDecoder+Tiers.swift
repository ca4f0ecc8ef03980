extension BoardDecoder {
  static func tiers(_ value: YAMLValue) -> TierConfig? {
    guard let fields = value.fields(BoardSchema.tiers) else { return nil }
    // Optional: absent means the defaults of `TierConfig` and `TierSpec.publicFigures`. Whether
    // a size is whole pages is a rule (it needs page_size).
    let pageValue = fields.optional("page_size")
    let pageSize = pageValue.map { $0.size(minimum: 4096, powerOfTwo: true) } ?? TierConfig.defaultPageSize
    let timeScale = fields["time_scale"]?.integer(in: 1...1_000_000_000)
    let dram = fields["dram"].flatMap { Self.tier($0, figures: .dram) }
    let flash = fields["flash"].flatMap { Self.tier($0, figures: .flash) }
    let disk = fields["disk"].flatMap { Self.tier($0, figures: .disk) }
    let mappedValue = fields.optional("mapped_size")
    let mappedSize = mappedValue?.size(minimum: 8192)
    let dmaValue = fields.optional("dma_lanes")
    let dmaLanes = dmaValue?.integer(in: 1...8)
    guard let pageSize, let timeScale, let dram, let flash, let disk else { return nil }
    if mappedValue != nil && mappedSize == nil || dmaValue != nil && dmaLanes == nil { return nil }
    return TierConfig(pageSize: pageSize, timeScale: timeScale, dram: dram, flash: flash, disk: disk,
                      mappedSize: mappedSize, dmaLanes: dmaLanes ?? TierConfig.defaultDMALanes)
  }

  /// One tier; a latency or bandwidth left out is the tier's public figure.
  static func tier(_ value: YAMLValue, figures: TierSpec.Figures) -> TierSpec? {
    guard let fields = value.fields(BoardSchema.tier) else { return nil }
    let size = fields["size"]?.size()
    let readLatency = fields.optional("read_latency").map { $0.duration() } ?? figures.readLatencyNs
    let writeLatency = fields.optional("write_latency").map { $0.duration() } ?? figures.writeLatencyNs
    let bandwidth = fields.optional("bandwidth_mbps").map { $0.integer(in: 1...10_000_000) } ?? figures.bandwidthMBps
    guard let size, let readLatency, let writeLatency, let bandwidth else { return nil }
    return TierSpec(size: size, readLatencyNs: readLatency, writeLatencyNs: writeLatency, bandwidthMBps: bandwidth)
  }
}
