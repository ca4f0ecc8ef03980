/// One node's management firmware for the cluster boot, as a step function (one bounded turn
/// of its main loop per `step()`), so that several nodes run side by side (`interleave`) as
/// they would on their own cores:
///
/// 1. **boot**: reads its index (NODE.INDEX), enumerates its switch through the switch's
///    configuration-request registers (`SwitchConfigurationAccess`), finds its NTB endpoints
///    (vendor 1AB4h, device 5A02h, in discovery order: NTB port 0, 1, ...), points a driver at
///    each (windows at the BAR enumeration gave it, LOCAL_BUS its bus, the core in the
///    requester table), enables the doorbell interrupt and every link;
/// 2. **links**: waits until every link is up, records speed and width, and swaps node
///    indices with each peer through a scratchpad; a port whose link is still down
///    `linkTimeoutCycles` after the links were enabled (a cable left unplugged) is set aside in
///    `unpluggedPorts`;
/// 3. **ping-pong**: ntb_pingpong on every crosslink, the lower-numbered node serving;
/// 4. **handshake**: an `NTBTransport` per port (its scratchpad handshake), then a hello each
///    way: the node's index and the buffer it lends;
/// 5. **ring**: node 0 sends a token round the ring (each node passes it on through its other
///    port); when it is back, node 0 writes `copyData` into its first peer's buffer through
///    window 1 and reads it back, then sends `finish` round the ring, and every node stops
///    once it has passed it on.
///
/// A node without crosslinks stops after the boot.
public final class ClusterNode<H: HAL> {
  public enum Phase: Equatable { case boot, links, pingPong, handshake, ring, finishing, done, failed(ClusterBootError) }

  public let hal: H
  public let layout: NodeLayout
  public let settings: ClusterSettings
  public internal(set) var phase: Phase = .boot
  public private(set) var index = 0
  public private(set) var tree: DeviceTree?
  public private(set) var ports: [ClusterPort<H>] = []
  /// NTB ports whose link never came up: not part of the cluster.
  public private(set) var unpluggedPorts: [ClusterPort<H>] = []
  private var linksEnabledAt: UInt64 = 0
  /// Node 0: cycles from sending the token to having it back.
  public internal(set) var ringCycles: UInt64?
  /// Node 0: the remote copy, once done.
  public internal(set) var copy: ClusterCopy?
  var tokenSentAt: UInt64 = 0

  public init(hal: H, layout: NodeLayout, settings: ClusterSettings = ClusterSettings()) {
    self.hal = hal
    self.layout = layout
    self.settings = settings
  }

  public var failure: ClusterBootError? {
    if case .failed(let error) = phase { return error }
    return nil
  }

  /// One turn of the node's main loop; returns whether the node has finished (or failed).
  public func step() -> Bool {
    do throws(ClusterBootError) {
      switch phase {
      case .boot: try boot()
      case .links: try waitForLinks()
      case .pingPong: try playPingPong()
      case .handshake, .ring, .finishing: try serveTransports()
      case .done, .failed: break
      }
    } catch {
      phase = .failed(error)
    }
    return phase == .done || failure != nil
  }

  // MARK: Boot

  func boot() throws(ClusterBootError) {
    index = Int(hal.read32(layout.systemControl + SystemControlRegister.node) & 0xFF)
    let access = SwitchConfigurationAccess(hal: hal, base: layout.pcieSwitch, linkBus: settings.enumeration.rootBus)
    let tree: DeviceTree
    do { tree = try enumerate(access, options: settings.enumeration) } catch { throw .enumeration(error) }
    self.tree = tree
    let endpoints = tree.functions.filter {
      $0.vendorID == NodeNTBIdentity.vendorID && $0.deviceID == NodeNTBIdentity.deviceID && $0.classCode == NodeNTBIdentity.classCode
    }
    let io = ConfigurationIO(access: access, options: settings.enumeration)
    for (j, endpoint) in endpoints.prefix(NodeLayout.maxNTBPorts).enumerated() {
      guard let bar = endpoint.bars.first(where: { $0.index == 0 }), let address = bar.address else { throw .windowsUnassigned(port: j) }
      // The NTB function issues the peer's requests into this node's memory only as a bus
      // master (§7.5.1.1.3): the driver sets Bus Master Enable, as Linux's NTB drivers call
      // pci_set_master on their endpoint.
      do {
        let command = try io.read(endpoint.bdf, ConfigurationRegister.commandAndStatus) & 0xFFFF
        try io.write(endpoint.bdf, ConfigurationRegister.commandAndStatus, command | CommandBit.busMaster, byteEnables: 0b0011)
      } catch { throw .enumeration(error) }
      do {
        let driver = try NTBDriver(hal: hal, base: layout.ntb(j), windowsAddress: address)
        try driver.configure(localBus: endpoint.bdf.bus, apertureBase: 0, requesters: [settings.coreRequesterID])
        ports.append(ClusterPort(index: j, driver: driver, endpoint: endpoint.bdf, rounds: settings.pingPongRounds))
      } catch { throw .ntb(port: j, error) }
    }
    hal.write32(layout.systemControl + SystemControlRegister.interruptEnable, SystemControlRegister.doorbell)
    for port in ports { port.driver.linkEnable() }
    linksEnabledAt = hal.cycles
    phase = ports.isEmpty ? .done : .links
  }

  /// Waits until every link is up, then tells each peer this node's index through its last
  /// scratchpad (bit 31 marks it written; the transport uses only the first twelve) and reads
  /// the peer's: the lower-numbered end of each crosslink serves the ping-pong.
  func waitForLinks() throws(ClusterBootError) {
    for port in ports {
      let pad = port.driver.scratchpadCount - 1
      if port.link == nil {
        let state = port.driver.linkState()
        guard state.isUp else { continue }
        port.link = state
        port.driver.clearLinkEvent()
        do { try port.driver.writePeerScratchpad(pad, Self.identityMark | UInt32(index)) } catch { throw .ntb(port: port.index, error) }
      }
      if port.peer == nil {
        let value: UInt32
        do { value = try port.driver.readScratchpad(pad) } catch { throw .ntb(port: port.index, error) }
        if value & Self.identityMark != 0 { port.peer = Int(value & 0xFF) }
      }
    }
    if hal.cycles &- linksEnabledAt > settings.linkTimeoutCycles && ports.contains(where: { $0.link == nil }) {
      unpluggedPorts += ports.filter { $0.link == nil }
      ports.removeAll { $0.link == nil }
      if ports.isEmpty { phase = .done; return }
    }
    guard ports.allSatisfy({ $0.peer != nil }) else {
      _ = hal.waitForInterrupt(lines: SystemControlRegister.doorbell, timeoutCycles: settings.idleWaitCycles)
      acknowledgeInterrupt()
      return
    }
    phase = .pingPong
    for port in ports where index < port.peer ?? 0 { port.pingPong.ring(bit: 0, count: 0) }
  }

  static var identityMark: UInt32 { 1 << 31 }

  // MARK: Ping-pong

  func playPingPong() throws(ClusterBootError) {
    _ = hal.waitForInterrupt(lines: SystemControlRegister.doorbell, timeoutCycles: settings.idleWaitCycles)
    acknowledgeInterrupt()
    for port in ports where !port.pingPong.finished {
      port.driver.clearLinkEvent()
      port.pingPong.serve()
      if let error = port.pingPong.failure { throw .ntb(port: port.index, error) }
    }
    guard ports.allSatisfy({ $0.pingPong.finished }) else { return }
    for port in ports {
      let settings = NTBTransportSettings(buffer: layout.ramBase + self.settings.ringsOffset + UInt64(self.settings.ringBytes * port.index),
                                          ringBytes: self.settings.ringBytes, slots: 32, window: 0)
      do { port.transport = try NTBTransport(driver: port.driver, settings: settings) } catch { throw .transport(port: port.index, error) }
      port.outbox.append(.hello(node: UInt8(index), buffer: layout.ramBase + self.settings.sharedBufferOffset,
                                bytes: UInt32(self.settings.sharedBufferBytes)))
    }
    phase = .handshake
  }

  /// Acknowledges the system controller's DOORBELL cause; it sets again at once while any NTB
  /// function still raises a vector, so nothing is lost.
  func acknowledgeInterrupt() {
    hal.write32(layout.systemControl + SystemControlRegister.interruptStatus, SystemControlRegister.doorbell)
  }
}

/// Node 0's write through an NTB window into another node's RAM and the read back.
public struct ClusterCopy: Equatable {
  /// The node written to and where.
  public var node: Int
  public var address: UInt64
  public var bytes: Int
  /// Cycles the core spent writing (posted, word by word) and reading back.
  public var writeCycles: UInt64
  public var readCycles: UInt64
  /// What the read back returned.
  public var readBack: [UInt8]
}
