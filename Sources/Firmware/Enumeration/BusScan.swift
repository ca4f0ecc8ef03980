/// The depth-first bus scan (Linux pci_scan_child_bus_extend / pci_scan_bridge_extend).
struct BusScan<Access: ConfigurationAccess> {
  let access: Access
  let options: EnumerationOptions
  let io: ConfigurationIO<Access>
  var functions: [PCIFunction] = []
  var notReady: [BDF] = []

  init(access: Access, options: EnumerationOptions) {
    self.access = access
    self.options = options
    io = ConfigurationIO(access: access, options: options)
  }

  /// Scans `bus` and everything below it; returns the highest bus number used.
  /// `lastBus` is the end of the range the bridge above may hand out.
  mutating func scanBus(_ bus: UInt8, parent: Int?, lastBus: UInt8, onlyDeviceZero: Bool)
    throws(EnumerationError) -> UInt8
  {
    var bridges: [Int] = []
    // A root or downstream port's link leads to one device (PCIe Base 4.0 §7.3.1; Linux
    // only_one_child), so devices 1...31 there are not probed.
    for device in 0..<UInt8(onlyDeviceZero ? 1 : 32) {
      guard let first = try probe(BDF(bus: bus, device: device, function: 0), parent: parent) else {
        continue
      }
      if functions[first].isBridge { bridges.append(first) }
      guard functions[first].isMultiFunction else { continue }
      for function in 1..<UInt8(8) {
        if let f = try probe(BDF(bus: bus, device: device, function: function), parent: parent),
          functions[f].isBridge
        {
          bridges.append(f)
        }
      }
    }
    var highest = bus
    for bridge in bridges {
      highest = try scanBridge(bridge, highestSoFar: highest, lastBus: lastBus)
    }
    return highest
  }

  /// Gives the bridge the next bus, scans below it with the subordinate open to `lastBus`,
  /// then closes the subordinate to what was found.
  private mutating func scanBridge(_ index: Int, highestSoFar: UInt8, lastBus: UInt8)
    throws(EnumerationError) -> UInt8
  {
    let bdf = functions[index].bdf
    guard highestSoFar < lastBus else {
      throw .busNumbersExhausted(bridge: bdf, lastBus: lastBus)
    }
    let secondary = highestSoFar + 1
    // Clear the secondary status (RW1C) left by probing before the bridge had a bus.
    try io.write(bdf, ConfigurationRegister.ioBaseLimitAndSecondaryStatus, 0xFFFF_0000, byteEnables: 0b1100)
    let open = UInt32(bdf.bus) | UInt32(secondary) << 8 | UInt32(lastBus) << 16
    try io.write(bdf, ConfigurationRegister.busNumbers, open, byteEnables: 0b0111)
    let port = functions[index].portType
    let below = port == PCIExpressCapability.rootPort || port == PCIExpressCapability.downstreamSwitchPort
    let subordinate = try scanBus(secondary, parent: index, lastBus: lastBus, onlyDeviceZero: below)
    try io.write(bdf, ConfigurationRegister.busNumbers, UInt32(subordinate) << 16, byteEnables: 0b0100)
    functions[index].bridge?.primaryBus = bdf.bus
    functions[index].bridge?.secondaryBus = secondary
    functions[index].bridge?.subordinateBus = subordinate
    return subordinate
  }

  /// Reads a function's identity and sizes its BARs; nil when nothing answers there.
  private mutating func probe(_ bdf: BDF, parent: Int?) throws(EnumerationError) -> Int? {
    guard let ids = try vendorAndDevice(bdf) else { return nil }
    let classDword = try io.read(bdf, ConfigurationRegister.classAndRevision)
    let headerType = UInt8(truncatingIfNeeded: try io.read(bdf, ConfigurationRegister.headerTypeDword) >> 16)
    let layout = headerType & 0x7F
    let capability = try findExpressCapability(bdf)
    var portType: UInt8? = nil
    var supported: Int? = nil
    if capability != 0 {
      portType = UInt8(truncatingIfNeeded: try io.read(bdf, capability) >> 20) & 0xF
      let deviceCapabilities = try io.read(bdf, capability + PCIExpressCapability.deviceCapabilities)
      supported = 128 << Int(deviceCapabilities & 0x7)
    }
    var bars: [BaseAddressRegister] = []
    var bridge: BridgeConfiguration? = nil
    switch layout {
    case 0: bars = try sizeBARs(bdf, count: 6, io: io)
    case 1:
      // Bus numbers left by an earlier enumeration would let this bridge claim requests meant
      // for buses numbered afresh; it forwards nothing until its turn comes.
      try io.write(bdf, ConfigurationRegister.busNumbers, 0, byteEnables: 0b0111)
      bars = try sizeBARs(bdf, count: 2, io: io)
      bridge = BridgeConfiguration(primaryBus: bdf.bus, secondaryBus: 0, subordinateBus: 0,
                                   hasPrefetchable64: try hasPrefetchable64Window(bdf))
    default: break  // CardBus and unknown layouts: identified, no resources.
    }
    functions.append(PCIFunction(
      bdf: bdf, vendorID: UInt16(truncatingIfNeeded: ids), deviceID: UInt16(truncatingIfNeeded: ids >> 16),
      classCode: classDword >> 8, revision: UInt8(truncatingIfNeeded: classDword), headerLayout: layout,
      isMultiFunction: headerType & 0x80 != 0, parent: parent, bars: bars, bridge: bridge,
      portType: portType, maxPayloadSupported: supported, maxPayload: nil, expressCapability: capability))
    return functions.count - 1
  }

  /// The Vendor/Device ID dword, or nil when the function is absent (UR, or 0xFFFFFFFF,
  /// 0x00000000, 0x0000FFFF or 0xFFFF0000, as Linux pci_bus_generic_read_dev_vendor_id
  /// judges empty slots) or never became ready.
  private mutating func vendorAndDevice(_ bdf: BDF) throws(EnumerationError) -> UInt32? {
    var backOff = BackOff(options: options)
    while true {
      let r = access.read32(bdf, offset: ConfigurationRegister.vendorAndDevice)
      // CRS shows either as the completion status or, with CRS Software Visibility, as
      // Vendor ID 0x0001 (PCIe Base 4.0 §2.3.2).
      let retry = r.status == .configurationRetry
        || (r.status == .successful && r.value & 0xFFFF == crsVendorID)
      if retry {
        if backOff.wait(access) { continue }
        notReady.append(bdf)
        return nil
      }
      guard r.status == .successful else { return nil }
      switch r.value {
      case 0xFFFF_FFFF, 0x0000_0000, 0x0000_FFFF, 0xFFFF_0000: return nil
      default: return r.value
      }
    }
  }

  /// Offset of the PCI Express Capability in the capabilities list, 0 when there is none.
  private func findExpressCapability(_ bdf: BDF) throws(EnumerationError) -> UInt16 {
    let status = try io.read(bdf, ConfigurationRegister.commandAndStatus)
    guard status & statusCapabilitiesList != 0 else { return 0 }
    var pointer = UInt16(try io.read(bdf, ConfigurationRegister.capabilitiesPointer) & 0xFC)
    var steps = 0
    // 48 entries fit in the 192 bytes after the header; more means a loop in the list.
    while pointer >= 0x40 && steps < 48 {
      let header = try io.read(bdf, pointer)
      if UInt8(truncatingIfNeeded: header) == PCIExpressCapability.id { return pointer }
      pointer = UInt16((header >> 8) & 0xFC)
      steps += 1
    }
    return 0
  }

  /// Whether the bridge has a 64-bit prefetchable window: the base register is writable
  /// and its low nibble reads 1 (Linux pci_read_bridge_windows; PCI-to-PCI Bridge 1.2 §3.2.5.10).
  private func hasPrefetchable64Window(_ bdf: BDF) throws(EnumerationError) -> Bool {
    let original = try io.read(bdf, ConfigurationRegister.prefetchableBaseLimit)
    try io.write(bdf, ConfigurationRegister.prefetchableBaseLimit, 0xFFF0_FFF0)
    let probe = try io.read(bdf, ConfigurationRegister.prefetchableBaseLimit)
    try io.write(bdf, ConfigurationRegister.prefetchableBaseLimit, original)
    return probe & 0xFFF0 != 0 && probe & 0xF == 1
  }
}
