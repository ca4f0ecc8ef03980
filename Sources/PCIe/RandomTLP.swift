extension TLP {
  /// A valid TLP of a random kind (MWr, MRd, CfgRd/Wr 0/1, CplD, Cpl, Msg/MsgD) with random
  /// fields, built with the public builders: stimulus for tests, BFMs and benchmarks.
  public static func random<R: RandomNumberGenerator>(using rng: inout R) -> TLP {
    let requester = PCIeID(rawValue: UInt16.random(in: 0...0xFFFF, using: &rng))
    let tag = UInt16.random(in: 0...0x3FF, using: &rng)
    func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }
    func memoryAddress(_ count: Int) -> UInt64 {
      let page: UInt64 = Bool.random(using: &rng) ? UInt64.random(in: 0...0xF_FFFF, using: &rng) : UInt64.random(in: 0x10_0000...0xFFFF_FFFF_FFFF, using: &rng)
      let offset = UInt64.random(in: 0...UInt64(4096 - max(count, 1)), using: &rng)
      return page << 12 | offset
    }
    var tlp: TLP
    switch Int.random(in: 0..<7, using: &rng) {
    case 0:
      let count = Int.random(in: 0...512, using: &rng)
      tlp = .memoryWrite(address: memoryAddress(count), data: bytes(count), requester: requester, tag: tag)
    case 1:
      let count = Int.random(in: 0...4096, using: &rng)
      tlp = .memoryRead(address: memoryAddress(count), byteCount: count, requester: requester, tag: tag)
    case 2:
      tlp = .configRead(type1: Bool.random(using: &rng), target: PCIeID(rawValue: UInt16.random(in: 0...0xFFFF, using: &rng)),
                        offset: 4 * Int.random(in: 0...1023, using: &rng), byteEnables: UInt8.random(in: 0...15, using: &rng),
                        requester: requester, tag: tag)
    case 3:
      tlp = .configWrite(type1: Bool.random(using: &rng), target: PCIeID(rawValue: UInt16.random(in: 0...0xFFFF, using: &rng)),
                         offset: 4 * Int.random(in: 0...1023, using: &rng), value: UInt32.random(in: 0...UInt32.max, using: &rng),
                         byteEnables: UInt8.random(in: 0...15, using: &rng), requester: requester, tag: tag)
    case 4:
      let count = Int.random(in: 1...256, using: &rng)
      let read = TLP.memoryRead(address: memoryAddress(count), byteCount: count, requester: requester, tag: tag)
      tlp = .completionWithData(answering: read, completer: PCIeID(rawValue: UInt16.random(in: 0...0xFFFF, using: &rng)),
                                data: bytes(read.length * 4))
    case 5:
      let read = TLP.memoryRead(address: memoryAddress(64), byteCount: 64, requester: requester, tag: tag)
      tlp = .completion(answering: read, completer: PCIeID(rawValue: UInt16.random(in: 0...0xFFFF, using: &rng)),
                        status: CompletionStatus.allCases.randomElement(using: &rng)!)
    default:
      let routing = MessageRouting.allCases.randomElement(using: &rng)!
      tlp = .message(code: UInt8.random(in: 0...255, using: &rng), routing: routing, requester: requester,
                     target: PCIeID(rawValue: UInt16.random(in: 0...0xFFFF, using: &rng)),
                     address: UInt64.random(in: 0...UInt64.max, using: &rng) & ~3, fields: UInt64.random(in: 0...UInt64.max, using: &rng),
                     data: bytes(4 * Int.random(in: 0...4, using: &rng)), tag: tag)
    }
    tlp.trafficClass = UInt8.random(in: 0...7, using: &rng)
    tlp.attributes = TLPAttributes(rawValue: UInt8.random(in: 0...7, using: &rng))
    tlp.poisoned = Bool.random(using: &rng)
    if Bool.random(using: &rng) { tlp.digest = UInt32.random(in: 0...UInt32.max, using: &rng) }
    if tlp.kind.isMemoryRequest { tlp.addressType = UInt8.random(in: 0...3, using: &rng) }
    return tlp
  }
}
