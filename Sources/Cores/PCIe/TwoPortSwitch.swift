import HDL
import PCIe

/// A switch with one upstream port (0) and one downstream port (1): `pcieSwitch` with two
/// identities, where each ingress feeds the other port's egress directly (no crossbar).
public func twoPortSwitch(identities: [BridgeIdentity], dataWidth: Int, queueDepth: Int = 16,
                          receiveDepth: Int = 48, headerCredits: Int = 8, dataCredits: Int = 16,
                          file: StaticString = #fileID, line: UInt = #line) throws -> Module {
  guard identities.count == 2 else {
    throw RegisterMapError(map: "two_port_switch", problems: ["\(file):\(line): twoPortSwitch needs two identities, the upstream port's first and a downstream port's second"])
  }
  return try pcieSwitch(identities: identities, dataWidth: dataWidth, queueDepth: queueDepth, receiveDepth: receiveDepth,
                        headerCredits: headerCredits, dataCredits: dataCredits, file: file, line: line)
}
