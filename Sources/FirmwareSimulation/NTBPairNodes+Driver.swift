import Firmware

extension NTBPairNodes {
  public func driver(_ node: Int) throws -> NTBDriver<SimulatedHAL> { try NTBDriver(hal: hals[node], base: Self.registerBase) }

  /// What every node's firmware does at boot: its identity, aperture and core in the
  /// requester table, then the link enabled.
  public func boot(_ driver: NTBDriver<SimulatedHAL>, node: Int) throws {
    try driver.configure(localBus: Self.localBus[node], apertureBase: Self.apertureBase, requesters: [Self.coreID.rawValue])
    driver.linkEnable()
  }

  /// Both nodes booted and the link up (the link events acknowledged).
  public func bootBoth() throws -> [NTBDriver<SimulatedHAL>] {
    let drivers = try [driver(0), driver(1)]
    for (node, d) in drivers.enumerated() { try boot(d, node: node) }
    for _ in 0..<100 where !drivers[0].isLinkUp { system.step() }
    for d in drivers { d.clearLinkEvent() }
    return drivers
  }
}
