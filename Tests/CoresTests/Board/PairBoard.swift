import Board

/// A small two-node board for the node-top tests: one crosslink, two local downstream ports per
/// node (port 1 the tier controller's function, port 2 a spare endpoint the board brings out), a
/// 64-bit datapath and a 16-page map, so that its Verilated model builds in about a minute. The keys
/// mean what boards/devkit.yaml's header says.
enum PairBoard {
  static let yaml = """
    board: pair
    id: 0x0002
    clock_mhz: 250
    datapath_bits: 64
    nodes: 2
    switch:
      downstream_ports: 2
      link_width: 4
      link_speed_gts: 8.0
      max_payload_bytes: 256
    ntb:
      links: [[0, 1]]
      memory_windows: 2
      window_size: 64KiB
      lut_entries: 0
      scratchpads: 16
      doorbells: 32
      link_latency_cycles: 4
    tiers:
      page_size: 4KiB
      time_scale: 1000
      dram:  { size: 256MiB, read_latency: 100ns, write_latency: 100ns, bandwidth_mbps: 12800 }
      flash: { size: 4GiB,   read_latency: 80us,  write_latency: 500us, bandwidth_mbps: 2000 }
      disk:  { size: 64GiB,  read_latency: 12ms,  write_latency: 12ms,  bandwidth_mbps: 200 }
      mapped_size: 64KiB
    management:
      triple: aarch64-none-none-elf
      ram_base: 0x40000000
      ram_size: 1MiB
      mmio_base: 0x10000000
    flash:
      size: 16MiB
      regions:
        - { name: slot_a, offset: 0x010000, size: 4MiB, role: slot_a }
        - { name: slot_b, offset: 0x410000, size: 4MiB, role: slot_b }
    cable:
      vendor_id: 0x0403
      product_id: 0x6010
      serial: null
      interface: A
      chip_select: 3
      spi_clock_hz: 15000000
    """

  static func load() throws -> Board { try Board.parse(yaml: yaml, file: "PairBoard.swift") }
}
