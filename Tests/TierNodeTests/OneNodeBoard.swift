import Board

/// A one-node board for the tier controller inside the node: the devkit's shape (128-bit data
/// path, so the tier function's width converters are in the path) with small tiers and a small
/// page map so its Verilated model builds quickly. DRAM 16 frames, flash 32, disk 64 (4 KiB
/// pages); the map covers 128 pages, so 16 of them can never be backed (page faults). Latencies
/// at time_scale 1000 and 250 MHz: DRAM 1 cycle, flash 20 (read) and 125 (write), disk 3,000;
/// disk bandwidth 200 MB/s is one beat per 10 cycles.
enum OneNodeBoard {
  static let yaml = """
    board: onenode
    id: 0x0003
    clock_mhz: 250
    datapath_bits: 128
    nodes: 1
    switch:
      downstream_ports: 1
      link_width: 4
      link_speed_gts: 8.0
      max_payload_bytes: 256
    ntb:
      links: []
      memory_windows: 2
      window_size: 64KiB
      lut_entries: 0
      scratchpads: 16
      doorbells: 32
      link_latency_cycles: 4
    tiers:
      page_size: 4KiB
      time_scale: 1000
      dram:  { size: 64KiB,  read_latency: 100ns, write_latency: 100ns, bandwidth_mbps: 12800 }
      flash: { size: 128KiB, read_latency: 80us,  write_latency: 500us, bandwidth_mbps: 2000 }
      disk:  { size: 256KiB, read_latency: 12ms,  write_latency: 12ms,  bandwidth_mbps: 200 }
      mapped_size: 512KiB
      dma_lanes: 2
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

  static func load() throws -> Board { try Board.parse(yaml: yaml, file: "OneNodeBoard.swift") }
}
