/// The keys each mapping of a board file may have. One table, so the decoder and the
/// unknown-key suggestions ("did you mean", "belongs under") cannot disagree.
struct MappingSchema {
  /// How messages name the mapping: `switch`, `tiers.dram`, `flash region`.
  var name: String
  var required: [String]
  var optional: [String] = []

  var keys: [String] { required + optional }
}

enum BoardSchema {
  static let top = MappingSchema(
    name: "the top level",
    required: ["board", "id", "clock_mhz", "datapath_bits", "nodes", "switch", "ntb", "tiers", "management", "flash", "cable"])
  static let switchSection = MappingSchema(
    name: "switch", required: ["downstream_ports", "link_width", "link_speed_gts", "max_payload_bytes"])
  static let ntb = MappingSchema(
    name: "ntb",
    required: ["links", "memory_windows", "window_size", "lut_entries", "scratchpads", "doorbells", "link_latency_cycles"],
    optional: ["cables"])
  static let tiers = MappingSchema(
    name: "tiers", required: ["time_scale", "dram", "flash", "disk"], optional: ["page_size", "mapped_size", "dma_lanes"])
  static let tier = MappingSchema(name: "tier", required: ["size"], optional: ["read_latency", "write_latency", "bandwidth_mbps"])
  static let management = MappingSchema(name: "management", required: ["triple", "ram_base", "ram_size", "mmio_base"])
  static let flash = MappingSchema(name: "flash", required: ["size", "regions"], optional: ["part", "jedec_id"])
  static let flashRegion = MappingSchema(name: "flash region", required: ["name", "offset", "size", "role"])
  static let cable = MappingSchema(
    name: "cable", required: ["vendor_id", "product_id", "interface", "chip_select", "spi_clock_hz"],
    optional: ["serial", "bus", "address"])

  /// Every mapping that has its own keys, and where it is, for "belongs under" hints.
  static let sections: [(path: String, schema: MappingSchema)] = [
    ("the top level", top), ("switch", switchSection), ("ntb", ntb), ("tiers", tiers),
    ("tiers.dram/flash/disk", tier), ("management", management), ("flash", flash),
    ("flash.regions items", flashRegion), ("cable", cable),
  ]
}
