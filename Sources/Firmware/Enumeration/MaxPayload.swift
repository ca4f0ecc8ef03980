/// Programs Max_Payload_Size in every function with a PCI Express Capability (Device Control
/// bits 7:5, PCIe Base 4.0 §7.5.3.4), per `options.payloadPolicy`.
func configureMaxPayload<Access: ConfigurationAccess>(
  _ tree: inout DeviceTree, access: Access, options: EnumerationOptions
) throws(EnumerationError) {
  let io = ConfigurationIO(access: access, options: options)
  let fabric = tree.functions.compactMap { $0.maxPayloadSupported }.reduce(options.rootMaxPayload, min)
  for i in tree.functions.indices {
    guard let supported = tree.functions[i].maxPayloadSupported else { continue }
    var payload: Int
    switch options.payloadPolicy {
    case .fabricMinimum: payload = fabric
    case .pathMinimum:
      // The nearest PCIe bridge above was programmed first (discovery order is depth first).
      var above = options.rootMaxPayload
      var p = tree.functions[i].parent
      while let q = p {
        if let m = tree.functions[q].maxPayload { above = m; break }
        p = tree.functions[q].parent
      }
      payload = min(supported, above)
    }
    tree.functions[i].maxPayload = payload
    let bdf = tree.functions[i].bdf
    let offset = tree.functions[i].expressCapability + PCIExpressCapability.deviceControl
    let control = try io.read(bdf, offset)
    let code = UInt32(payload.trailingZeroBitCount - 7)
    try io.write(bdf, offset, (control & ~0xE0) | code << 5, byteEnables: 0b0011)
  }
}
