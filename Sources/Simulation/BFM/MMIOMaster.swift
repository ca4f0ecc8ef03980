/// The master side of an `MMIO` register interface on a model (ports `<prefix>_valid`, `_write`,
/// `_address`, `_wdata`, `_strobe` driven; `_ready`, `_rdata`, `_error` watched).
///
/// Each access raises `valid` with its fields, holds them until the block answers with `ready`
/// and returns what the block answered in that cycle. Accesses are blocking: they step the model.
/// With `idleProbability` above 0 the master waits a random number of idle cycles (seeded) before
/// each access, so blocks are exercised with and without back-to-back accesses.
public final class MMIOMaster {
  public struct Response: Equatable, CustomStringConvertible {
    public let data: UInt64
    public let error: Bool
    public var description: String { error ? "error" : "0x" + String(data, radix: 16) }
  }

  public let prefix: String
  /// The most cycles an access may wait for `ready`.
  public var timeout = 1000
  public let idleProbability: Probability
  /// Cycles the last access took, from raising `valid` to `ready` (1 for a zero-wait-state block).
  public private(set) var lastAccessCycles = 0
  private var random: SimulationRandom
  private let model: Model
  private let valid: InputPort, write: InputPort, address: InputPort, writeData: InputPort, strobe: InputPort
  private let ready: OutputPort, readData: OutputPort, error: OutputPort

  public init(_ model: Model, prefix: String, idleProbability: Probability = .never, random: SimulationRandom) throws {
    self.model = model
    self.prefix = prefix
    self.idleProbability = idleProbability
    self.random = random
    valid = try model.input("\(prefix)_valid")
    write = try model.input("\(prefix)_write")
    address = try model.input("\(prefix)_address")
    writeData = try model.input("\(prefix)_wdata")
    strobe = try model.input("\(prefix)_strobe")
    ready = try model.output("\(prefix)_ready")
    readData = try model.output("\(prefix)_rdata")
    error = try model.output("\(prefix)_error")
  }

  /// Every byte lane enabled.
  public var allBytes: UInt64 { strobe.width >= 64 ? .max : (1 << UInt64(strobe.width)) - 1 }

  /// Writes `data` to `address`, changing only the bytes whose `strobe` bit is set (all by default).
  @discardableResult
  public func write(_ address: UInt64, _ data: UInt64, strobe: UInt64? = nil) throws -> Response {
    try access(write: true, address: address, data: data, strobe: strobe ?? allBytes)
  }

  /// Reads `address`.
  public func read(_ address: UInt64) throws -> Response {
    try access(write: false, address: address, data: 0, strobe: 0)
  }

  private func access(write isWrite: Bool, address at: UInt64, data: UInt64, strobe lanes: UInt64) throws -> Response {
    while random.chance(idleProbability) { model.step() }
    valid.set(true)
    write.set(isWrite)
    try address.set(at)
    try writeData.set(data)
    try strobe.set(lanes)
    defer { valid.set(false) }
    for waited in 1...timeout {
      model.settle()
      if ready.bool {
        let response = Response(data: readData.uint64, error: error.bool)
        lastAccessCycles = waited
        model.step()
        return response
      }
      model.step()
    }
    let what = isWrite ? "write of 0x\(String(data, radix: 16)) to 0x\(String(at, radix: 16))" : "read of 0x\(String(at, radix: 16))"
    throw SimulationError.noResponse(transaction: "\(prefix): \(what)", cycles: timeout, cycle: model.cycle)
  }
}
