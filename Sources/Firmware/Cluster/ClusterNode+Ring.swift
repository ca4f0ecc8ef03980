extension ClusterNode {
  /// The handshake, ring and finishing phases: every port's transport polled, queued messages
  /// sent once its first handshake is done, arrived messages acted on.
  func serveTransports() throws(ClusterBootError) {
    _ = hal.waitForInterrupt(lines: SystemControlRegister.doorbell, timeoutCycles: settings.idleWaitCycles)
    acknowledgeInterrupt()
    for port in ports {
      guard var transport = port.transport else { continue }
      transport.poll()
      if case .incompatible(let why) = transport.state { throw .transport(port: port.index, why) }
      if transport.handshakes > 0 {
        for message in port.outbox {
          do { try transport.send(message.bytes) } catch { throw .transport(port: port.index, error) }
        }
        port.outbox = []
      }
      let arrived = transport.takeDelivered()
      port.transport = transport
      for message in arrived { try handle(message.payload, from: port) }
    }
    advance()
  }

  func handle(_ bytes: [UInt8], from port: ClusterPort<H>) throws(ClusterBootError) {
    guard let message = ClusterMessage(bytes) else { throw .malformedMessage(port: port.index, kind: bytes.first ?? 0, bytes: bytes.count) }
    switch message {
    case .hello(_, let buffer, let size):
      port.peerBuffer = buffer
      port.peerBufferBytes = Int(size)
    case .token where index == 0:
      ringCycles = hal.cycles &- tokenSentAt
      try remoteCopy()
      firstPort?.outbox.append(.finish)
      phase = .finishing
    case .finish where index == 0:
      phase = .done
    case .token:
      forward(.token, from: port)
    case .finish:
      forward(.finish, from: port)
      phase = .finishing
    }
  }

  func advance() {
    switch phase {
    case .handshake where ports.allSatisfy({ $0.peerBufferBytes > 0 }):
      phase = .ring
      if index == 0, let first = firstPort {
        tokenSentAt = hal.cycles
        first.outbox.append(.token)
      }
    case .finishing where index != 0:
      let drained = ports.allSatisfy { $0.outbox.isEmpty && ($0.transport?.unacknowledged ?? 0) == 0 }
      if drained { phase = .done }
    default:
      break
    }
  }

  /// Node 0's way round the ring: the port to the lowest-numbered peer (node 1).
  var firstPort: ClusterPort<H>? { ports.min { ($0.peer ?? Int.max) < ($1.peer ?? Int.max) } }

  /// Passes a message on round the ring: out of the other port, or back where it came from
  /// on a node with one crosslink.
  func forward(_ message: ClusterMessage, from port: ClusterPort<H>) {
    (ports.first { $0 !== port } ?? port).outbox.append(message)
  }

  /// Writes `copyData` through window 1 of the first port into the peer's shared buffer, word
  /// by word, and reads it back the same way.
  func remoteCopy() throws(ClusterBootError) {
    guard let port = firstPort, let peer = port.peer else { return }
    let driver = port.driver
    guard driver.memoryWindowCount >= 2 else { throw .needsTwoWindows(port: port.index, windows: driver.memoryWindowCount) }
    let data = settings.copyData
    guard data.count % 4 == 0, data.count <= port.peerBufferBytes else {
      throw .copyDoesNotFit(bytes: data.count, buffer: port.peerBufferBytes)
    }
    let base: UInt64
    do {
      try driver.setTranslation(window: 1, peerAddress: port.peerBuffer, size: UInt64(port.peerBufferBytes))
      base = try driver.windowAddress(1).base
    } catch { throw .ntb(port: port.index, error) }
    let start = hal.cycles
    for offset in stride(from: 0, to: data.count, by: 4) {
      var word: UInt32 = 0
      for b in 0..<4 { word |= UInt32(data[offset + b]) << UInt32(8 * b) }
      hal.write32(base + UInt64(offset), word)
    }
    let written = hal.cycles
    var readBack: [UInt8] = []
    for offset in stride(from: 0, to: data.count, by: 4) {
      let word = hal.read32(base + UInt64(offset))
      for b in 0..<4 { readBack.append(UInt8(truncatingIfNeeded: word >> UInt32(8 * b))) }
    }
    copy = ClusterCopy(node: peer, address: port.peerBuffer, bytes: data.count, writeCycles: written - start,
                       readCycles: hal.cycles - written, readBack: readBack)
  }
}
