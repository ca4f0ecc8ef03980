/// Enumerates the PCI hierarchy below the root, the way Linux does (drivers/pci/probe.c and
/// setup-bus.c), and programs it:
///
/// 1. bus scan, depth first: every device and function on a bus (only device 0 below a root
///    or downstream port), then each bridge found, in discovery order, gets secondary bus =
///    highest bus so far + 1 with its subordinate opened to the end of the parent's range,
///    its bus is scanned, and the subordinate is closed to the highest bus found below;
/// 2. BAR sizing with decode off (all-ones write, read, original restored);
/// 3. resource assignment, computed whole first (bottom-up window sizes, top-down placement,
///    largest alignment first), then written: BARs, bridge windows (empty ones closed),
///    command registers;
/// 4. Max_Payload_Size per `options.payloadPolicy`.
public func enumerate<Access: ConfigurationAccess>(
  _ access: Access, options: EnumerationOptions = EnumerationOptions()
) throws(EnumerationError) -> DeviceTree {
  try options.validate()
  var scan = BusScan(access: access, options: options)
  let lastBus = try scan.scanBus(options.rootBus, parent: nil, lastBus: options.lastBus,
                                 onlyDeviceZero: false)
  var tree = DeviceTree(functions: scan.functions, notReady: scan.notReady, lastBus: lastBus)
  let plan = try ResourcePlan(tree: tree, options: options)
  try plan.program(into: &tree, access: access, options: options)
  try configureMaxPayload(&tree, access: access, options: options)
  return tree
}
