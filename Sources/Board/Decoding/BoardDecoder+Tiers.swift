extension BoardDecoder {
  static func tiers(_ value: YAMLValue) -> TierConfig? {
    guard let fields = value.fields(BoardSchema.tiers) else { return nil }
    let pageSize = fields["page_size"]?.size(minimum: 4096, powerOfTwo: true)
    let timeScale = fields["time_scale"]?.integer(in: 1...1_000_000_000)
    let dram = fields["dram"].flatMap(Self.tier)
    let flash = fields["flash"].flatMap(Self.tier)
    let disk = fields["disk"].flatMap(Self.tier)
    // Optional: absent means the defaults of `TierConfig`. Whether the size is whole pages is
    // a rule (it needs page_size).
    let mappedValue = fields.optional("mapped_size")
    let mappedSize = mappedValue?.size(minimum: 8192)
    let dmaValue = fields.optional("dma_lanes")
    let dmaLanes = dmaValue?.integer(in: 1...8)
    guard let pageSize, let timeScale, let dram, let flash, let disk else { return nil }
    if mappedValue != nil && mappedSize == nil || dmaValue != nil && dmaLanes == nil { return nil }
    return TierConfig(pageSize: pageSize, timeScale: timeScale, dram: dram, flash: flash, disk: disk,
                      mappedSize: mappedSize, dmaLanes: dmaLanes ?? TierConfig.defaultDMALanes)
  }

  static func tier(_ value: YAMLValue) -> TierSpec? {
    guard let fields = value.fields(BoardSchema.tier) else { return nil }
    let size = fields["size"]?.size()
    let readLatency = fields["read_latency"]?.duration()
    let writeLatency = fields["write_latency"]?.duration()
    let bandwidth = fields["bandwidth_mbps"]?.integer(in: 1...10_000_000)
    guard let size, let readLatency, let writeLatency, let bandwidth else { return nil }
    return TierSpec(size: size, readLatencyNs: readLatency, writeLatencyNs: writeLatency, bandwidthMBps: bandwidth)
  }
}
