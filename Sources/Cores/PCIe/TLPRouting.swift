import HDL
import PCIe

/// What routing needs from one port's virtual bridge: its bus range and memory windows as
/// the configuration space holds them (`bridgeConfigSpace` outputs), and its Command enables.
public struct BridgeRouting {
  public let secondaryBus: Signal
  public let subordinateBus: Signal
  /// Memory Base/Limit bits 15:4: address bits 31:20 of the non-prefetchable window.
  public let memoryBase: Signal
  public let memoryLimit: Signal
  /// Address bits 63:20 of the prefetchable window (upper 32 bits, then Base/Limit bits 15:4).
  public let prefetchableBase: Signal
  public let prefetchableLimit: Signal
  public let memorySpaceEnable: Signal
  public let busMasterEnable: Signal
  /// The port's Data Link Layer is up (DL_Active, Link Status bit 13). Only downstream ports'
  /// matter: a TLP routed to a downstream port whose link is down is refused (§2.9.1).
  public let linkUp: Signal

  public init(secondaryBus: Signal, subordinateBus: Signal, memoryBase: Signal, memoryLimit: Signal,
              prefetchableBase: Signal, prefetchableLimit: Signal, memorySpaceEnable: Signal, busMasterEnable: Signal,
              linkUp: Signal = .high) {
    self.secondaryBus = secondaryBus
    self.subordinateBus = subordinateBus
    self.memoryBase = memoryBase
    self.memoryLimit = memoryLimit
    self.prefetchableBase = prefetchableBase
    self.prefetchableLimit = prefetchableLimit
    self.memorySpaceEnable = memorySpaceEnable
    self.busMasterEnable = busMasterEnable
    self.linkUp = linkUp
  }

  /// 1 when `bus` is below this bridge: secondary ≤ bus ≤ subordinate. A bridge whose
  /// secondary bus is still 0 (its reset value: not numbered yet) covers no bus; bus 0 is never
  /// a secondary bus, and otherwise a sibling port that enumeration has not reached yet would
  /// take the completions for a requester on bus 0 (the management engine, the root).
  func coversBus(_ bus: Signal) -> Signal { secondaryBus != 0 && secondaryBus <= bus && bus <= subordinateBus }

  /// 1 when the bridge forwards the DW address `dwordAddress` (address bits 63:2) downstream:
  /// inside one of its windows (1 MiB granular, the non-prefetchable one below 4 GiB) while
  /// Memory Space Enable is set.
  func claims(_ dwordAddress: Signal) -> Signal {
    func first(_ mib: Signal) -> Signal { concat(mib, Signal.zero(width: 18)).zeroExtended(to: 62) }
    func last(_ mib: Signal) -> Signal { concat(mib, Signal.ones(width: 18)).zeroExtended(to: 62) }
    let inMemory = first(memoryBase) <= dwordAddress && dwordAddress <= last(memoryLimit)
    let inPrefetchable = first(prefetchableBase) <= dwordAddress && dwordAddress <= last(prefetchableLimit)
    return memorySpaceEnable && (inMemory || inPrefetchable)
  }
}

/// Where a TLP entering the switch goes (PCIe Base Specification 6.3, §2.2.4 routing, §7.3.1
/// configuration forwarding, §2.3.1 unsupported requests, §2.3.2 and §2.2.8 messages).
/// Exactly one outcome is 1: `egress` not zero, `toOwnBridge`, `unsupported`, `drop`,
/// `terminate` or `malformed`.
public struct RouteDecision {
  /// One bit per port: where the TLP goes out (several bits for a broadcast message).
  public let egress: Signal
  /// A Type 1 configuration request reaching the secondary bus of its egress port: it leaves as Type 0.
  public let convertToType0: Signal
  /// A configuration request for the configuration space of the switch's own bridge `ownBridge`.
  public let toOwnBridge: Signal
  public let ownBridge: Signal
  /// A non-posted request no one claims: answer with an Unsupported Request completion.
  public let unsupported: Signal
  /// A posted request or completion no one claims, or one not allowed in its direction: drop and count.
  public let drop: Signal
  /// A message that ends at the switch (local routing, reserved routing values).
  public let terminate: Signal
  /// A malformed TLP (reserved or unsupported Fmt/Type, a memory request crossing 4 KiB, a payload
  /// above Max_Payload_Size): drop and count.
  public let malformed: Signal
  /// One bit per port: the downstream port a unicast TLP was routed to while its link is down
  /// (§2.9.1). The TLP is then `unsupported` (non-posted) or `drop` (posted, completion).
  public let linkDown: Signal
}

/// The routing decision for `header` entering at port `ingress` of a switch whose port 0 is
/// the upstream port and ports 1...n-1 the downstream ports; downstream port `k` is device
/// `k - 1` on the switch's internal bus (the upstream bridge's secondary bus). With
/// `maxPayloadSize` (the receiving port's Device Control field: 128 << value bytes), a TLP
/// whose Length exceeds it is malformed.
public func routeDecision(_ header: TLPHeaderFields, ingress: Signal, bridges: [BridgeRouting],
                          maxPayloadSize: Signal? = nil) -> RouteDecision {
  let n = bridges.count
  precondition(n >= 2, "a switch has an upstream port and at least one downstream port, not \(n) ports")
  let up = bridges[0]
  let fromUpstream = ingress == 0
  let ports = 0..<n
  func oneHot(_ bits: [Signal]) -> Signal { concat(bits.reversed()) }
  // Overlapping windows or bus ranges are a software error; the lowest port then wins so that
  // a unicast TLP never leaves through two ports.
  func lowest(_ bits: Signal) -> Signal { bits & (~bits + 1) }
  let isIngress = ports.map { ingress == $0 }

  // Address routing (memory requests and address-routed messages).
  let address = header.dwordAddress
  let downstreamClaims = ports.map { k in k == 0 ? Signal.low : bridges[k].claims(address) && !isIngress[k] }
  let anyDownstreamClaims = downstreamClaims.dropFirst().reduce(Signal.low) { $0 || $1 }
  let ingressClaims = select(ingress, bridges.map { $0.claims(address) })
  let ingressMasters = select(ingress, bridges.map(\.busMasterEnable))
  let upstreamClaims = up.claims(address)
  // From the upstream port: only what its bridge claims goes down. From below: the bridge
  // must be a bus master, the address must not be its own, and what the upstream bridge
  // does not claim goes up.
  let addressAllowed = mux(fromUpstream, upstreamClaims, ingressMasters && !ingressClaims)
  let addressUp = !fromUpstream && !upstreamClaims && !anyDownstreamClaims
  let addressEgress = lowest(oneHot(ports.map { k in k == 0 ? addressUp && addressAllowed : downstreamClaims[k] && addressAllowed }))

  // ID routing (completions, ID-routed messages, Type 1 configuration requests).
  let bus = header.routingID[8..<16]
  let idClaims = ports.map { k in k == 0 ? Signal.low : bridges[k].coversBus(bus) && !isIngress[k] }
  let anyIDClaims = idClaims.dropFirst().reduce(Signal.low) { $0 || $1 }
  let ingressCoversBus = select(ingress, bridges.map { $0.coversBus(bus) })
  let idUp = !fromUpstream && !ingressCoversBus && !anyIDClaims && !up.coversBus(bus)
  let idEgress = lowest(oneHot(ports.map { k in k == 0 ? idUp : idClaims[k] && !(!fromUpstream && ingressCoversBus) }))

  // Configuration requests travel downstream only.
  let device = header.routingID[3..<8], function = header.routingID[0..<3]
  let onInternalBus = bus == up.secondaryBus
  let internalDevice = onInternalBus && function == 0 && device < n - 1
  let configType0Here = header.isConfigType0 && function == 0
  let configInternal = fromUpstream && (configType0Here || header.isConfigType1 && internalDevice)
  let reachesSecondary = ports.map { k in k == 0 ? Signal.low : bus == bridges[k].secondaryBus }
  let convert = oneHot(reachesSecondary) & idEgress
  let deviceZero = device == 0
  let configForward = fromUpstream && header.isConfigType1 && !onInternalBus && up.coversBus(bus) && anyIDClaims
    && (convert == 0 || deviceZero)
  let configEgress = mux(configForward, idEgress, Signal.zero(width: n))

  // Messages by their routing subfield.
  let r = header.messageRouting
  let toRootComplex = r == Int(MessageRouting.toRootComplex.rawValue) || r == Int(MessageRouting.gatheredToRootComplex.rawValue)
  let broadcast = r == Int(MessageRouting.broadcastFromRootComplex.rawValue)
  let byAddress = r == Int(MessageRouting.byAddress.rawValue)
  let byID = r == Int(MessageRouting.byID.rawValue)
  let allDownstream = oneHot(ports.map { $0 == 0 ? Signal.low : Signal.high })
  let upstreamOnly = oneHot(ports.map { $0 == 0 ? Signal.high : Signal.low })
  let messageEgress = priority([
    (toRootComplex, mux(fromUpstream, Signal.zero(width: n), upstreamOnly)),
    (broadcast, mux(fromUpstream, allDownstream, Signal.zero(width: n))),
    (byAddress, addressEgress),
    (byID, idEgress),
  ], otherwise: Signal.zero(width: n))
  let messageEnds = !(toRootComplex || broadcast || byAddress || byID)

  // §2.2.2: a payload longer than the receiving port's Max_Payload_Size makes the TLP malformed.
  let oversized = maxPayloadSize.map { code -> Signal in
    let limits = (0..<8).map { Signal.constant(32 << min($0, 5), width: 11) }  // DWs; 110b and 111b are reserved: 4096 bytes
    return header.hasData && header.length > select(code, limits)
  } ?? Signal.low
  let malformed = header.isUnsupportedKind || header.crosses4KiB || oversized
  let egressOf = priority([
    (header.isMemoryRead || header.isMemoryWrite, addressEgress),
    (header.isCompletion, idEgress),
    (header.isConfig, configEgress),
    (header.isMessage, messageEgress),
  ], otherwise: Signal.zero(width: n))
  let routed = mux(malformed, Signal.zero(width: n), egressOf)
  // §2.9.1, a downstream port in DL_Down: a request routed to it is completed with UR
  // (non-posted) or discarded (posted), a completion discarded, as if its address or ID
  // belonged to no one; a Type 1 configuration request for its secondary bus included. A
  // broadcast skips such ports; with none left it ends here.
  let down = oneHot(ports.map { k in k == 0 ? Signal.low : !bridges[k].linkUp })
  let egress = routed & ~down
  let isBroadcast = header.isMessage && broadcast
  let emptyBroadcast = isBroadcast && routed != 0 && egress == 0
  let isInternal = !malformed && header.isConfig && configInternal
  let terminate = !malformed && header.isMessage && messageEnds || emptyBroadcast
  let unclaimed = !malformed && egress == 0 && !isInternal && !terminate
  return RouteDecision(
    egress: egress,
    convertToType0: header.isConfigType1 && (convert & egress) != 0,
    toOwnBridge: isInternal,
    ownBridge: mux(header.isConfigType0, Signal.zero(width: bitsToIndex(n)), device.resized(to: bitsToIndex(n)) + 1),
    unsupported: unclaimed && header.isNonPosted,
    drop: unclaimed && !header.isNonPosted,
    terminate: terminate,
    malformed: malformed,
    linkDown: mux(isBroadcast, Signal.zero(width: n), routed & down))
}
