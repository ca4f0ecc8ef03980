import HDL
import TierModel

/// The memory-tier controller: its register block (`tierControllerRegisters`) on `mmio`, the
/// request path with the page map, the hotness unit and the DMA engine, wired as the register
/// map describes. Built for one `TierShape` (its DMA_IN_FLIGHT, 1...8, is the DMA engine's number
/// of copy lanes: descriptors copying at once) and the tiers' frame counts.
///
/// Ports: `mmio` (the registers, zero wait states), `irq` (any enabled pending cause),
/// `irq_causes` (each enabled pending cause, bit i for `tierInterrupts[i]`: for a node's
/// system controller, which sorts them into its own causes), the
/// request port `req_*`/`wdata_*`/`rsp_*`, and per tier the request path's store port
/// (`<tier>_req_*`, `<tier>_wdata_*`, `<tier>_rsp_*`) and the DMA engine's copy channels
/// (`<tier>_rd_*`, `<tier>_wr_*`), as `tierRequestPath` and `tierDMAEngine` describe them.
///
/// MAP_WRITE reaches the map a cycle after the bus write (when the register holds the new value),
/// MAP_ENTRY shows the entry of MAP_INDEX as of the previous clock edge. After reset (and after
/// firmware sets MAP_CONTROL.CLEAR) the request path's clear engine writes every entry invalid,
/// one a cycle; MAP_CONTROL.CLEAR reads 1 until it is done, requests wait meanwhile and map
/// writes are refused (MAP_CONTROL.WRITE_REFUSED). MAP_EXTENT bounds the mapped pages.
public func tierController(shape: TierShape, frames: [Int], counters: Int = 16,
                           file: StaticString = #fileID, line: UInt = #line) -> Module {
  Module("tier_controller", parameters: ["pages": shape.pageCount, "shift": shape.pageShift, "lanes": shape.maxInFlight], file: file, line: line) { m in
    let mapResult = Result { try tierControllerRegisters(shape: shape) }
    m.require((1...8).contains(shape.maxInFlight),
              "tierController: shape.maxInFlight \(shape.maxInFlight) is outside 1...8 (the DMA engine's copy lanes); use 1...8", file: file, line: line)
    m.require((try? mapResult.get()) != nil, "tierController: \(String(describing: (try? mapResult.get()) == nil ? mapResult : nil))",
              file: file, line: line)
    if let map = try? mapResult.get() {
      ControllerBody(m: m, map: map, shape: shape, frames: frames, counters: counters).statements()
    }
  }
}

/// Builds the controller's body around its register block.
private struct ControllerBody {
  let m: ModuleBuilder
  let map: RegisterMap
  let shape: TierShape
  let frames: [Int]
  let counters: Int

  @StatementBuilder
  func statements() -> [Statement] {
    let pageBits = bitsToIndex(max(shape.pageCount, 2))
    let lanes = min(max(shape.maxInFlight, 1), 8)
    let beatBits = bitsToHold(1 << (shape.pageShift - 3))
    let mmio = m.port("mmio", MMIO(addressWidth: map.addressWidth).flipped)
    let irq = m.output("irq")
    let regs = m.instance(registerBlock(map), name: "regs")
    let path = m.instance(tierRequestPath(pageShift: shape.pageShift, pageCount: shape.pageCount, migratingLanes: lanes), name: "path")
    let hot = m.instance(tierHotnessUnit(counters: counters, counterWidth: shape.counterWidth, hotListSize: shape.hotListSize),
                         name: "hotness")
    let dma = m.instance(tierDMAEngine(pageShift: shape.pageShift, pageCount: shape.pageCount, frames: frames,
                                       descriptorRingSize: shape.descriptorRingSize, completionRingSize: shape.completionRingSize,
                                       lanes: lanes),
                         name: "dma")
    let bus = regs.interface("mmio", as: MMIO.self)
    let mapWritten = m.register("map_write_pending")
    let unused = m.wire("unused_bits", width: 2 + 4 + 11)
    let viewInSpace = m.register("map_view_in_space")

    // The register bus.
    connect(mmio, to: bus)

    // The request port and the stores, straight through.
    for (name, width) in [("req_valid", 1), ("req_write", 1), ("req_address", 64), ("req_beats", beatBits),
                          ("wdata_valid", 1), ("wdata_data", 64), ("wdata_strobe", 8), ("rsp_ready", 1)] {
      path[name] <== m.input(name, width: width)
    }
    for (name, width) in [("req_ready", 1), ("wdata_ready", 1), ("rsp_valid", 1), ("rsp_data", 64), ("rsp_last", 1), ("rsp_status", 2)] {
      m.output(name, width: width) <== path[name]
    }
    for tier in ["dram", "flash", "disk"] {
      for (name, width) in [("req_ready", 1), ("wdata_ready", 1), ("rsp_valid", 1), ("rsp_data", 64), ("rsp_last", 1), ("rsp_error", 1)] {
        path["\(tier)_\(name)"] <== m.input("\(tier)_\(name)", width: width)
      }
      for (name, width) in [("req_valid", 1), ("req_write", 1), ("req_frame", 24), ("req_word", shape.pageShift - 3),
                            ("req_beats", beatBits), ("wdata_valid", 1), ("wdata_data", 64), ("wdata_strobe", 8), ("rsp_ready", 1)] {
        m.output("\(tier)_\(name)", width: width) <== path["\(tier)_\(name)"]
      }
      for (name, width) in [("rd_req_ready", 1), ("rd_data_valid", 1), ("rd_data", 64), ("rd_data_last", 1), ("rd_data_error", 1),
                            ("wr_req_ready", 1), ("wr_data_ready", 1), ("wr_ack_valid", 1), ("wr_ack_error", 1)] {
        dma["\(tier)_\(name)"] <== m.input("\(tier)_\(name)", width: width)
      }
      for (name, width) in [("rd_req_valid", 1), ("rd_req_frame", 24), ("rd_req_beats", beatBits), ("rd_data_ready", 1),
                            ("wr_req_valid", 1), ("wr_req_frame", 24), ("wr_req_beats", beatBits), ("wr_data_valid", 1),
                            ("wr_data", 64), ("wr_data_strobe", 8), ("wr_ack_ready", 1)] {
        m.output("\(tier)_\(name)", width: width) <== dma["\(tier)_\(name)"]
      }
    }

    // The page map: firmware's view and writes, the engine's port.
    // MAP_INDEX at or past PAGE_COUNT names no page (the map's index would wrap onto a real one):
    // MAP_ENTRY reads 0 and MAP_WRITE stores nothing, as in the model. An entry written with
    // TIER 3 (no tier) is stored unmapped with TIER 0, as the model decodes it.
    let index = regs["map_index_page_out"]
    let indexInSpace = shape.pageCount < 1 << 24 ? index < shape.pageCount : Signal.high
    path["map_view_page"] <== index[0..<pageBits]
    viewInSpace <== indexInSpace
    let view = mux(viewInSpace, path["map_view_entry"], Signal.zero(width: 32))
    regs["map_entry_frame_in"] <== view[0..<24]
    regs["map_entry_tier_in"] <== view[24..<26]
    regs["map_entry_migrating_in"] <== view[30]
    regs["map_entry_valid_in"] <== view[31]
    mapWritten <== regs["map_write_frame_written"] || regs["map_write_tier_written"] || regs["map_write_valid_written"]
    path["fw_write_valid"] <== mapWritten && indexInSpace
    path["fw_write_page"] <== index[0..<pageBits]
    let noTier = regs["map_write_tier_out"] == 3
    path["fw_write_entry"] <== concat(regs["map_write_valid_out"] && !noTier, Signal.zero(width: 5),
                                      mux(noTier, Signal.zero(width: 2), regs["map_write_tier_out"]), regs["map_write_frame_out"])
    path["clear_request"] <== regs["map_control_clear_out"]
    regs["map_control_clear_clear"] <== path["clear_done"]
    regs["map_control_write_refused_set"] <== path["fw_write_refused"]
    regs["map_extent_pages_in"] <== path["map_extent"]
    path["migrating_valid"] <== dma["migrating_valid"]
    path["migrating_page"] <== dma["migrating_page"]
    path["engine_page"] <== dma["map_page"]
    dma["map_entry"] <== path["engine_entry"]
    path["hw_write_valid"] <== dma["hw_write_valid"]
    path["hw_write_page"] <== dma["hw_write_page"]
    path["hw_write_entry"] <== dma["hw_write_entry"]
    dma["hw_write_ready"] <== path["hw_write_ready"]
    dma["busy"] <== path["busy"]
    dma["busy_write"] <== path["busy_write"]
    dma["busy_page"] <== path["busy_page"]

    // Page faults.
    path["page_fault_pending"] <== regs["interrupt_status_page_fault_out"]
    regs["interrupt_status_page_fault_set"] <== path["page_fault"]
    regs["fault_address_low_value_in"] <== path["fault_address"][0..<32]
    regs["fault_address_high_value_in"] <== path["fault_address"][32..<64]
    regs["fault_info_write_in"] <== path["fault_write"]
    regs["fault_info_more_in"] <== path["fault_more"]

    // The hotness unit.
    hot["observe_valid"] <== path["observe_valid"]
    hot["observe_address"] <== path["observe_address"]
    hot["observe_write"] <== path["observe_write"]
    hot["enable"] <== regs["hot_control_enable_out"]
    hot["track_reads"] <== regs["hot_control_track_reads_out"]
    hot["track_writes"] <== regs["hot_control_track_writes_out"]
    hot["always_on"] <== regs["hot_control_always_on_out"]
    hot["unit_shift"] <== regs["hot_control_unit_shift_out"]
    hot["downsample_shift"] <== regs["hot_control_downsample_shift_out"]
    hot["threshold"] <== regs["hot_threshold_count_out"]
    hot["epoch_cycles"] <== regs["hot_epoch_cycles_cycles_out"]
    hot["fill_threshold"] <== regs["hot_fill_threshold_entries_out"]
    hot["reset_request"] <== regs["hot_control_reset_out"]
    regs["hot_control_reset_clear"] <== hot["reset_done"]
    hot["hot_head"] <== regs["hot_head_index_out"]
    regs["hot_tail_index_in"] <== hot["hot_tail"]
    regs["hot_entry_low_value_in"] <== hot["hot_entry"][0..<32]
    regs["hot_entry_high_value_in"] <== hot["hot_entry"][32..<64]
    regs["hot_status_enabled_in"] <== hot["enabled"]
    regs["hot_status_overflow_in"] <== hot["overflow"]
    regs["hot_status_fill_level_in"] <== hot["fill_level"]
    regs["hot_status_counters_exhausted_in"] <== hot["counters_exhausted"]
    regs["interrupt_status_hot_level_set"] <== hot["level_set"]
    regs["interrupt_status_hot_overflow_set"] <== hot["overflow_set"]

    // The DMA engine.
    dma["desc_source"] <== concat(regs["dma_source_tier_out"], regs["dma_source_frame_out"])
    dma["desc_destination"] <== concat(regs["dma_destination_tier_out"], regs["dma_destination_frame_out"])
    dma["desc_length"] <== regs["dma_length_bytes_out"]
    dma["desc_control"] <== concat(regs["dma_control_interrupt_out"], regs["dma_control_remap_out"], regs["dma_control_page_out"])
    dma["push"] <== regs["dma_submit_push_out"]
    regs["dma_submit_push_clear"] <== dma["push_done"]
    regs["dma_head_index_in"] <== dma["dma_head"]
    regs["dma_tail_index_in"] <== dma["dma_tail"]
    dma["completion_head"] <== regs["completion_head_index_out"]
    regs["completion_tail_index_in"] <== dma["completion_tail"]
    let completion = dma["completion_entry"]
    regs["completion_entry_descriptor_in"] <== completion[0..<16]
    regs["completion_entry_status_in"] <== completion[16..<20]
    regs["completion_entry_valid_in"] <== completion[31]
    regs["interrupt_status_dma_done_set"] <== dma["done_set"]
    regs["interrupt_status_dma_error_set"] <== dma["error_set"]

    // The interrupt line. Not needed: the ring heads' write pulses (the units read the heads),
    // the reserved bits of entries and completions.
    let causes = tierInterrupts.map { $0.name.lowercased() }
    let pending = m.wire("pending_causes", width: causes.count)
    pending <== concat(causes.reversed().map { regs["interrupt_status_\($0)_out"] }) & concat(causes.reversed().map { regs["interrupt_enable_\($0)_out"] })
    irq <== pending != 0
    m.output("irq_causes", width: causes.count) <== pending
    unused <== concat([regs["hot_head_index_written"], regs["completion_head_index_written"], view[26..<30], completion[20..<31]])
  }
}
