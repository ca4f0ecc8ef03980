/// What the image leaves in the system controller's SCRATCH register (the board has no
/// console): the top nibble says running, done or failed, the rest says where.
///
/// | value | meaning |
/// | --- | --- |
/// | `0x1000_000p` | running, in phase p: 0 boot, 1 links, 2 ping-pong, 3 handshake, 4 ring, 5 finishing |
/// | `0x8000_0000 \| index << 16 \| ports << 8 \| functions` | done: NODE.INDEX, NTB ports, functions enumerated (at most 255) |
/// | `0xE000_0000 \| kind << 16 \| port << 8 \| detail` | failed: kind 1 enumeration (detail: `EnumerationError` number), 2 NTB driver, 3 transport, 4 BAR 0 unassigned, 5 one window only (detail: windows), 6 malformed message (detail: its kind byte), 7 copy does not fit |
enum ScratchCode {
  static func running(_ phase: ClusterNode<BoardHAL>.Phase) -> UInt32 {
    switch phase {
    case .boot: return 0x1000_0000
    case .links: return 0x1000_0001
    case .pingPong: return 0x1000_0002
    case .handshake: return 0x1000_0003
    case .ring: return 0x1000_0004
    case .finishing, .done, .failed: return 0x1000_0005
    }
  }

  static func done(index: Int, ports: Int, functions: Int) -> UInt32 {
    0x8000_0000 | UInt32(index & 0xFF) << 16 | UInt32(min(ports, 0xFF)) << 8 | UInt32(min(functions, 0xFF))
  }

  static func failed(_ error: ClusterBootError) -> UInt32 {
    let (kind, port, detail): (UInt32, Int, UInt32)
    switch error {
    case .enumeration(let e): (kind, port, detail) = (1, 0, e.number)
    case .ntb(let p, _): (kind, port, detail) = (2, p, 0)
    case .transport(let p, _): (kind, port, detail) = (3, p, 0)
    case .windowsUnassigned(let p): (kind, port, detail) = (4, p, 0)
    case .needsTwoWindows(let p, let windows): (kind, port, detail) = (5, p, UInt32(min(windows, 0xFF)))
    case .malformedMessage(let p, let messageKind, _): (kind, port, detail) = (6, p, UInt32(messageKind))
    case .copyDoesNotFit: (kind, port, detail) = (7, 0, 0)
    }
    return 0xE000_0000 | kind << 16 | UInt32(port & 0xFF) << 8 | detail
  }
}

extension EnumerationError {
  /// A small number per case for a register (the text needs a console the board lacks).
  var number: UInt32 {
    switch self {
    case .busNumbersExhausted: return 1
    case .addressSpaceExhausted: return 2
    case .configurationReadFailed: return 3
    case .configurationWriteFailed: return 4
    case .retryBudgetExhausted: return 5
    case .invalidOptions: return 6
    }
  }
}
