/// A ready/valid stream: a word moves when `valid` and `ready` are both 1 in a cycle.
/// Like Chisel's `Decoupled` and Amaranth's `stream.Signature`: once `valid` is raised,
/// the producer holds it and `data` steady until the transfer.
public struct Stream: Interface {
  public let valid: Signal
  public let ready: Signal
  public let data: Signal

  /// A template of a stream carrying `width`-bit words.
  public init(width: Int) {
    self.init(valid: templateSignal(width: 1), ready: templateSignal(width: 1), data: templateSignal(width: width))
  }

  public init(valid: Signal, ready: Signal, data: Signal) {
    self.valid = valid
    self.ready = ready
    self.data = data
  }

  /// 1 in a cycle where a word is transferred.
  public var fires: Signal { valid && ready }

  public var members: [InterfaceMember] {
    [.init("valid", valid, .forward), .init("ready", ready, .backward), .init("data", data, .forward)]
  }

  public func rebound(_ bind: (InterfaceMember) -> Signal) -> Stream {
    let m = members
    return Stream(valid: bind(m[0]), ready: bind(m[1]), data: bind(m[2]))
  }
}

/// Register access from a master (the producer) to a register block, in the manner of APB:
/// the master raises `valid` with `write`, `address`, `writeData` and byte `strobe` and holds
/// them until the block answers with `ready` for one cycle; on that cycle a read's `readData`
/// is valid, and `error` reports an access the block refused (an unmapped address).
public struct MMIO: Interface {
  public let valid: Signal
  public let write: Signal
  public let address: Signal
  public let writeData: Signal
  /// One bit per byte of `writeData`: which bytes a write changes.
  public let strobe: Signal
  public let ready: Signal
  public let readData: Signal
  public let error: Signal

  /// A template with `addressWidth`-bit byte addresses and `dataWidth`-bit data (a multiple of 8).
  public init(addressWidth: Int, dataWidth: Int = 32) {
    precondition(dataWidth % 8 == 0, "MMIO data width must be whole bytes, not \(dataWidth) bits")
    self.init(valid: templateSignal(width: 1), write: templateSignal(width: 1), address: templateSignal(width: addressWidth),
              writeData: templateSignal(width: dataWidth), strobe: templateSignal(width: dataWidth / 8),
              ready: templateSignal(width: 1), readData: templateSignal(width: dataWidth), error: templateSignal(width: 1))
  }

  public init(valid: Signal, write: Signal, address: Signal, writeData: Signal, strobe: Signal,
              ready: Signal, readData: Signal, error: Signal) {
    self.valid = valid
    self.write = write
    self.address = address
    self.writeData = writeData
    self.strobe = strobe
    self.ready = ready
    self.readData = readData
    self.error = error
  }

  /// 1 in the cycle a write completes.
  public var writes: Signal { valid && ready && write }
  /// 1 in the cycle a read completes.
  public var reads: Signal { valid && ready && !write }

  public var members: [InterfaceMember] {
    [.init("valid", valid, .forward), .init("write", write, .forward), .init("address", address, .forward),
     .init("wdata", writeData, .forward), .init("strobe", strobe, .forward),
     .init("ready", ready, .backward), .init("rdata", readData, .backward), .init("error", error, .backward)]
  }

  public func rebound(_ bind: (InterfaceMember) -> Signal) -> MMIO {
    let m = members
    return MMIO(valid: bind(m[0]), write: bind(m[1]), address: bind(m[2]), writeData: bind(m[3]), strobe: bind(m[4]),
                ready: bind(m[5]), readData: bind(m[6]), error: bind(m[7]))
  }
}
