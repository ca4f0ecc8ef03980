/// An array of `depth` words of `width` bits. `mem[address]` reads asynchronously, and as the
/// target of `<==` writes at the clock edge; `readSync` gives a registered read port (block RAM).
/// Each read or write written in the body is a port of its own.
public struct Memory {
  let info: MemoryInfo

  public var name: String { info.name }
  public var depth: Int { info.depth }
  public var width: Int { info.width }
  /// The address width every port must use: enough bits to index `depth` words.
  public var addressWidth: Int { info.addressWidth }

  /// The word at `address` (asynchronous read), or, with `<==`, a write to it.
  public subscript(address: Signal) -> Signal {
    Signal(Node(.memoryRead(info, address: address.node), width: info.width, owner: info.owner,
                problem: address.node.problem ?? info.addressProblem(address)))
  }

  /// A synchronous read port: the word at `address` appears after the next clock edge
  /// (while `enable` is 1, when given). The result is a named register in the Verilog.
  public func readSync(_ address: Signal, enable: Signal? = nil, name: String? = nil,
                       file: StaticString = #fileID, line: UInt = #line) -> Signal {
    let location = SourceLocation(file: file, line: line)
    info.readPorts += 1
    let portName = name ?? "\(info.name)_read\(info.readPorts)"
    info.owner.claim(portName, at: location)
    var problem = address.node.problem ?? info.addressProblem(address)
    if let enable, enable.width != 1 { problem = problem ?? "the enable of `\(portName)` must be 1 bit, not \(enable.width)" }
    let node = Node(.memoryReadSync(info, address: address.node, enable: enable?.node), width: info.width,
                    owner: info.owner, name: portName, location: location, problem: problem)
    info.syncReads.append(node)
    info.owner.addDeclaration(node)
    return Signal(node)
  }
}

final class MemoryInfo {
  let name: String
  let depth: Int
  let width: Int
  let initial: [BitVector]?
  let domain: ClockDomain
  unowned let owner: ModuleBuilder
  let location: SourceLocation
  var readPorts = 0
  var syncReads: [Node] = []

  init(name: String, depth: Int, width: Int, initial: [BitVector]?, domain: ClockDomain, owner: ModuleBuilder, location: SourceLocation) {
    self.name = name
    self.depth = depth
    self.width = width
    self.initial = initial
    self.domain = domain
    self.owner = owner
    self.location = location
  }

  var addressWidth: Int { bitsToIndex(depth) }

  func addressProblem(_ address: Signal) -> String? {
    address.width == addressWidth ? nil
      : "memory `\(name)` of \(depth) words takes a \(addressWidth)-bit address but \(address.node.displayName) has \(address.width) bits"
  }
}

/// The number of bits needed to count `0 ..< n` (at least 1).
public func bitsToIndex(_ n: Int) -> Int { n <= 2 ? 1 : Int.bitWidth - (n - 1).leadingZeroBitCount }

/// The number of bits needed to hold the value `n` itself (at least 1).
public func bitsToHold(_ n: Int) -> Int { bitsToIndex(n + 1) }

extension ModuleBuilder {
  /// A memory of `depth` words of `width` bits, optionally with initial contents.
  public func memory(_ name: String, depth: Int, width: Int, initial: [Int]? = nil, domain: ClockDomain? = nil,
                     file: StaticString = #fileID, line: UInt = #line) -> Memory {
    let location = SourceLocation(file: file, line: line)
    // A word fits as an unsigned value below 2^width or as a two's-complement value.
    func fits(_ value: Int) -> Bool { width >= 64 || (value >= -(1 << (width - 1)) && value < 1 << width) }
    for (index, value) in (initial ?? []).enumerated() where width >= 1 && !fits(value) {
      error("initial word \(index) of memory `\(name)` is \(value), which does not fit in \(width) bits", at: location)
    }
    return memory(name, depth: depth, width: width, initialWords: initial?.map { BitVector(width: width, value: $0) },
                  domain: domain, at: location)
  }

  /// A memory with wide initial contents given as bit vectors.
  public func memory(_ name: String, depth: Int, width: Int, initial: [BitVector], domain: ClockDomain? = nil,
                     file: StaticString = #fileID, line: UInt = #line) -> Memory {
    memory(name, depth: depth, width: width, initialWords: initial, domain: domain, at: SourceLocation(file: file, line: line))
  }

  func memory(_ name: String, depth: Int, width: Int, initialWords: [BitVector]?, domain: ClockDomain?,
              at location: SourceLocation) -> Memory {
    claim(name, at: location)
    if depth < 2 { error("memory `\(name)` has depth \(depth); a memory needs at least 2 words (use a register for one)", at: location) }
    if width < 1 { error("memory `\(name)` has width \(width); words need at least 1 bit", at: location) }
    if let initialWords, initialWords.count > depth {
      error("memory `\(name)` has \(depth) words but \(initialWords.count) initial values", at: location)
    }
    // Words of another width (integer literals become the narrowest BitVector) are fitted to
    // the memory's width; a word that does not fit is an error, never silently cut.
    let fitted = initialWords?.enumerated().map { index, word -> BitVector in
      if word.width > width && word.significantBits > width {
        error("initial word \(index) of memory `\(name)` is \(word) but words have \(width) bits", at: location)
      }
      return word.resized(to: max(width, 1))
    }
    let info = MemoryInfo(name: name, depth: max(depth, 2), width: max(width, 1), initial: fitted,
                          domain: domain ?? ClockDomain(clock: clock, reset: nil), owner: self, location: location)
    add(info)
    return Memory(info: info)
  }
}
