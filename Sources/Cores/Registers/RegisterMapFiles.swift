import HDL

/// Everything made from one register map, as named files: the block's Verilog, the firmware's
/// Swift accessors, the Markdown documentation and the SystemRDL export. `strata regs` and
/// `strata generate` write these; nothing in them is edited by hand.
public func registerMapFiles(_ map: RegisterMap, busProtocol: String = "MMIOBus") throws -> [(name: String, contents: String)] {
  let design = try Design(top: registerBlock(map))
  return design.verilogFiles() + [
    ("\(RegisterNames.typeName(map.name)).swift", swiftAccessors(for: map, busProtocol: busProtocol)),
    ("\(map.name).md", registerDocumentation(for: map)),
    ("\(map.name).rdl", systemRDL(for: map)),
  ]
}
