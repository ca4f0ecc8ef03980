import Firmware

/// Figures of a booted `World` (after every node's `ClusterNode` is done), measured from node
/// 0's root complex through the window its firmware pointed at node 1's shared buffer
/// (window 1 of node 0's first port), so they are cycles of the RTL, not of the firmware.
public struct ClusterFigures {
  /// Ping-pong round trips on node 0's first crosslink: ring, the peer's firmware answers,
  /// interrupt back (cycles).
  public var doorbellRoundTrips: [UInt64]
  /// The token's trip round the ring through every node's transport (node 0's count).
  public var ringCycles: UInt64?
  /// One 64-byte memory read (a single MRd of 16 DW) from node 0's root complex to its
  /// completion, through the window into node 1's RAM.
  public var remoteReadCycles: UInt64
  /// Whether the read returned what node 1's RAM holds.
  public var remoteReadMatches: Bool
  /// Posted writes of `writePayloadBytes` each, back to back through the window: bytes, and
  /// cycles from the first going in to the last stored in node 1's RAM.
  public var writeBytes: Int
  public var writePayloadBytes: Int
  public var writeCycles: UInt64

  /// Bytes per cycle of the window writes.
  public var writeBytesPerCycle: Double { Double(writeBytes) / Double(max(writeCycles, 1)) }

  /// Measures on `world` whose node 0 ran `node0` to the end. `payloadBytes`: each write's
  /// payload (the path's Max_Payload_Size). Nil when node 0 made no remote copy (one node).
  public static func measure(_ world: World, node0: ClusterNode<SimulatedHAL>, payloadBytes: Int,
                             timeoutCycles: Int = 1_000_000) -> ClusterFigures? {
    guard let copy = node0.copy, let port = node0.ports.min(by: { ($0.peer ?? .max) < ($1.peer ?? .max) }),
          let window = try? port.driver.windowAddress(1) else { return nil }
    let source = world.nodes[0].side, target = world.nodes[copy.node].side
    let system = world.system

    let readStart = system.cycle
    let read = source.read(window.base, byteCount: 64, timeoutCycles: timeoutCycles)
    let readCycles = system.cycle - readStart
    let matches = (try? read.get()) == target.bytes(at: copy.address, count: 64)

    let span = min(Int(window.size), node0.settings.sharedBufferBytes)
    let writes = span / payloadBytes
    let before = target.served.count
    let writeStart = system.cycle
    for w in 0..<writes {
      source.post(window.base + UInt64(w * payloadBytes), bytes: (0..<payloadBytes).map { UInt8(truncatingIfNeeded: $0 &+ w) })
    }
    var waited = 0
    while target.served.count - before < writes && waited < timeoutCycles {
      system.step()
      waited += 1
    }
    return ClusterFigures(doorbellRoundTrips: port.pingPong.roundTripCycles, ringCycles: node0.ringCycles, remoteReadCycles: readCycles,
                          remoteReadMatches: matches, writeBytes: writes * payloadBytes, writePayloadBytes: payloadBytes,
                          writeCycles: system.cycle - writeStart)
  }
}
