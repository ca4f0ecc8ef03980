/// The management firmware's entry, called by the start-up code with a stack, .bss zeroed
/// and .data in place. It runs the cluster boot the simulated cluster runs (`ClusterNode`:
/// enumeration through the switch's configuration-request registers, NTB links, ping-pong,
/// transport handshake, token ring, remote copy) and keeps its progress and outcome in the
/// system controller's SCRATCH register for a debugger or the lab (`ScratchCode`).
@_cdecl("strata_main")
public func strataMain() {
  let layout = NodeLayout(mmioBase: BoardLayout.mmioBase, ramBase: BoardLayout.ramBase, ramSize: BoardLayout.ramSize,
                          clockMHz: BoardLayout.clockMHz)
  let hal = BoardHAL(systemController: layout.systemControl)
  var options = EnumerationOptions()
  options.rootMaxPayload = BoardLayout.maxPayloadBytes
  // CRS back-off from 1 µs up to the 1 s a function may take after reset (PCIe Base 4.0
  // §6.6.1), in cycles of the system controller's counter (the board's clock_mhz).
  options.retryInitialDelayCycles = UInt64(BoardLayout.clockMHz)
  options.retryTimeoutCycles = UInt64(BoardLayout.clockMHz) * 1_000_000
  // The rings, then the shared buffer, in the region the linker script keeps out of the image.
  let rings = BoardLayout.clusterRegionOffset
  let settings = ClusterSettings(enumeration: options, ringsOffset: rings, ringBytes: BoardLayout.ringBytes,
                                 sharedBufferOffset: rings + UInt64(BoardLayout.ringBytes * BoardLayout.ntbPorts),
                                 sharedBufferBytes: BoardLayout.sharedBufferBytes)
  let node = ClusterNode(hal: hal, layout: layout, settings: settings)
  let scratch = layout.systemControl + 0x08
  var shown: UInt32 = ~0
  while !node.step() {
    let code = ScratchCode.running(node.phase)
    if code != shown {
      hal.write32(scratch, code)
      shown = code
    }
  }
  if let error = node.failure {
    hal.write32(scratch, ScratchCode.failed(error))
  } else {
    hal.write32(scratch, ScratchCode.done(index: node.index, ports: node.ports.count, functions: node.tree?.functions.count ?? 0))
  }
}
