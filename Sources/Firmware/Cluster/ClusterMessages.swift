/// What nodes tell each other over their transports during the cluster boot. One message
/// each, little-endian fields after a kind byte.
enum ClusterMessage: Equatable {
  /// "I am node `node`; you may write into `buffer` (`bytes` long) of my RAM."
  case hello(node: UInt8, buffer: UInt64, bytes: UInt32)
  /// The token going round the ring.
  case token
  /// Node 0 is done; pass it on and stop.
  case finish

  var bytes: [UInt8] {
    switch self {
    case .hello(let node, let buffer, let size):
      return [1, node] + (0..<8).map { UInt8(truncatingIfNeeded: buffer >> UInt64(8 * $0)) }
        + (0..<4).map { UInt8(truncatingIfNeeded: size >> UInt32(8 * $0)) }
    case .token: return [2]
    case .finish: return [3]
    }
  }

  init?(_ bytes: [UInt8]) {
    guard let kind = bytes.first else { return nil }
    switch (kind, bytes.count) {
    case (1, 14):
      var buffer: UInt64 = 0, size: UInt32 = 0
      for i in 0..<8 { buffer |= UInt64(bytes[2 + i]) << UInt64(8 * i) }
      for i in 0..<4 { size |= UInt32(bytes[10 + i]) << UInt32(8 * i) }
      self = .hello(node: bytes[1], buffer: buffer, bytes: size)
    case (2, 1): self = .token
    case (3, 1): self = .finish
    default: return nil
    }
  }
}
