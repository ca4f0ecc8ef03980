/// How a message finds its way: the `r[2:0]` subfield of a Msg/MsgD Type field
/// (PCIe Base Specification 6.3, §2.2.8, Table 2-20).
public enum MessageRouting: UInt8, CaseIterable, Sendable {
  case toRootComplex = 0b000
  case byAddress = 0b001
  case byID = 0b010
  case broadcastFromRootComplex = 0b011
  case local = 0b100
  case gatheredToRootComplex = 0b101
  /// 110b and 111b are reserved; a receiver terminates such messages as if local.
  case reserved6 = 0b110
  case reserved7 = 0b111
}

/// Completion Status (PCIe Base Specification 6.3, §2.2.9.1): 000b SC, 001b UR, 010b CRS
/// (RRS in 6.x), 100b CA; other encodings are reserved.
public enum CompletionStatus: UInt8, CaseIterable, Sendable {
  case successful = 0b000
  case unsupportedRequest = 0b001
  case configurationRetry = 0b010
  case completerAbort = 0b100
}

/// What a TLP is: the Fmt/Type combinations Strata routes (PCIe Base Specification 6.3,
/// §2.2.1, Table 2-3). Whether a memory or address-routed request uses a 3DW or a 4DW
/// header is not part of the kind but of its address (`TLP.uses64BitAddress`).
public enum TLPKind: Hashable, Sendable {
  case memoryRead
  case memoryReadLocked
  case memoryWrite
  case ioRead
  case ioWrite
  case configRead0
  case configWrite0
  case configRead1
  case configWrite1
  case completion
  case completionWithData
  case completionLocked
  case completionLockedWithData
  case message(MessageRouting)
  case messageWithData(MessageRouting)

  /// The 5-bit Type field.
  public var typeField: UInt8 {
    switch self {
    case .memoryRead, .memoryWrite: return 0b00000
    case .memoryReadLocked: return 0b00001
    case .ioRead, .ioWrite: return 0b00010
    case .configRead0, .configWrite0: return 0b00100
    case .configRead1, .configWrite1: return 0b00101
    case .completion, .completionWithData: return 0b01010
    case .completionLocked, .completionLockedWithData: return 0b01011
    case .message(let r), .messageWithData(let r): return 0b10000 | r.rawValue
    }
  }

  /// Whether the TLP carries a data payload (Fmt[1]).
  public var hasData: Bool {
    switch self {
    case .memoryWrite, .ioWrite, .configWrite0, .configWrite1, .completionWithData, .completionLockedWithData,
         .messageWithData:
      return true
    default:
      return false
    }
  }

  public var isMemoryRequest: Bool { self == .memoryRead || self == .memoryReadLocked || self == .memoryWrite }
  public var isIORequest: Bool { self == .ioRead || self == .ioWrite }
  public var isConfigRequest: Bool {
    self == .configRead0 || self == .configWrite0 || self == .configRead1 || self == .configWrite1
  }
  public var isCompletion: Bool {
    self == .completion || self == .completionWithData || self == .completionLocked || self == .completionLockedWithData
  }
  public var isMessage: Bool {
    switch self {
    case .message, .messageWithData: return true
    default: return false
    }
  }
  /// Requests that carry Requester ID, Tag and byte enables in DW1.
  public var isRequest: Bool { isMemoryRequest || isIORequest || isConfigRequest }

  /// The flow-control class (PCIe Base Specification 6.3, §2.6.1 and §2.4.1): posted
  /// (memory writes, messages), non-posted (reads, I/O and configuration) or completion.
  public var flowControlClass: FlowControlClass {
    switch self {
    case .memoryWrite, .message, .messageWithData: return .posted
    case .completion, .completionWithData, .completionLocked, .completionLockedWithData: return .completion
    default: return .nonPosted
    }
  }

  /// The kind a Fmt and Type pair encode, or nil for reserved and unsupported encodings.
  /// `fourDW` is Fmt[0]: only memory requests and messages may use a 4DW header.
  static func decode(hasData: Bool, fourDW: Bool, type: UInt8) -> TLPKind? {
    if type & 0b11000 == 0b10000 {
      guard fourDW, let routing = MessageRouting(rawValue: type & 0b111) else { return nil }
      return hasData ? .messageWithData(routing) : .message(routing)
    }
    switch (type, hasData) {
    case (0b00000, false): return .memoryRead
    case (0b00000, true): return .memoryWrite
    case (0b00001, false): return .memoryReadLocked
    default: break
    }
    if fourDW { return nil }
    switch (type, hasData) {
    case (0b00010, false): return .ioRead
    case (0b00010, true): return .ioWrite
    case (0b00100, false): return .configRead0
    case (0b00100, true): return .configWrite0
    case (0b00101, false): return .configRead1
    case (0b00101, true): return .configWrite1
    case (0b01010, false): return .completion
    case (0b01010, true): return .completionWithData
    case (0b01011, false): return .completionLocked
    case (0b01011, true): return .completionLockedWithData
    default: return nil
    }
  }
}

/// The three flow-control classes whose credits a link tracks separately.
public enum FlowControlClass: Hashable, CaseIterable, Sendable {
  case posted, nonPosted, completion
}

extension TLPKind: CustomStringConvertible {
  /// The mnemonic of Table 2-3: MRd, MWr, CfgRd1, CplD, Msg (routed by ID), ...
  public var description: String {
    switch self {
    case .memoryRead: return "MRd"
    case .memoryReadLocked: return "MRdLk"
    case .memoryWrite: return "MWr"
    case .ioRead: return "IORd"
    case .ioWrite: return "IOWr"
    case .configRead0: return "CfgRd0"
    case .configWrite0: return "CfgWr0"
    case .configRead1: return "CfgRd1"
    case .configWrite1: return "CfgWr1"
    case .completion: return "Cpl"
    case .completionWithData: return "CplD"
    case .completionLocked: return "CplLk"
    case .completionLockedWithData: return "CplDLk"
    case .message(let r): return "Msg (\(r))"
    case .messageWithData(let r): return "MsgD (\(r))"
    }
  }
}

extension MessageRouting: CustomStringConvertible {
  public var description: String {
    switch self {
    case .toRootComplex: return "routed to root complex"
    case .byAddress: return "routed by address"
    case .byID: return "routed by ID"
    case .broadcastFromRootComplex: return "broadcast from root complex"
    case .local: return "local"
    case .gatheredToRootComplex: return "gathered to root complex"
    case .reserved6, .reserved7: return "reserved routing \(rawValue), terminated at receiver"
    }
  }
}

extension CompletionStatus: CustomStringConvertible {
  public var description: String {
    switch self {
    case .successful: return "SC"
    case .unsupportedRequest: return "UR"
    case .configurationRetry: return "CRS"
    case .completerAbort: return "CA"
    }
  }
}
