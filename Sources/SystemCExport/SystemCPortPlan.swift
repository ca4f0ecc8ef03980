import HDL

/// The top's ports sorted by what they become in the SystemC wrapper: management ports (MMIO
/// groups, answered by the RTL) become TLM target sockets, TLP streams become a target socket
/// (into the RTL) or an initiator socket (out of it), the clock and reset stay `sc_in<bool>`,
/// and every other port is passed through as an `sc_in`/`sc_out` of Verilator's pin type.
public struct SystemCPortPlan: Equatable, Sendable {
  /// An MMIO port group `<prefix>_{valid,write,address,wdata,strobe}` in,
  /// `<prefix>_{ready,rdata,error}` out.
  public struct MMIOPort: Equatable, Sendable {
    public let prefix: String
    public let addressWidth: Int
    public let dataWidth: Int

    public init(prefix: String, addressWidth: Int, dataWidth: Int) {
      self.prefix = prefix
      self.addressWidth = addressWidth
      self.dataWidth = dataWidth
    }
  }

  /// A TLP stream group `<prefix>_{valid,header,data,strobe,start,end}` with `<prefix>_ready`
  /// in the other direction.
  public struct TLPPort: Equatable, Sendable {
    public enum Direction: String, Sendable { case intoDesign = "in", outOfDesign = "out" }
    public let prefix: String
    public let dataWidth: Int
    public let direction: Direction
    public var lanes: Int { dataWidth / 32 }

    public init(prefix: String, dataWidth: Int, direction: Direction) {
      self.prefix = prefix
      self.dataWidth = dataWidth
      self.direction = direction
    }
  }

  public let clock: String
  public let reset: String?
  public let mmio: [MMIOPort]
  public let tlp: [TLPPort]
  /// Links (see `links`) on a switch port: with the flow-control pins `<b>_fc_*` in and
  /// `<b>_rx_fc_*` out, which the wrapper answers itself (`strata::LinkCredits`) for the link
  /// partner its sockets stand for.
  public let creditedLinks: [String]
  /// Ports that belong to no group, in the top's order.
  public let pins: [ModulePort]

  /// Links: names `b` with a TLP stream `b_in` into the design and `b_out` out of it, the two
  /// directions of one link (a switch port, an NTB crosslink); a script may cross them between
  /// two boards.
  public var links: [String] {
    tlp.filter { $0.direction == .intoDesign && $0.prefix.hasSuffix("_in") }.map { String($0.prefix.dropLast(3)) }
      .filter { base in tlp.contains { $0.direction == .outOfDesign && $0.prefix == "\(base)_out" } }
  }

  static let mmioInputs = ["valid", "write", "address", "wdata", "strobe"]
  static let mmioOutputs = ["ready", "rdata", "error"]
  static let tlpForward = ["valid", "header", "data", "strobe", "start", "end"]
  /// Credit types in `strata::LinkCredits`' order (PH, PD, NPH, NPD, CplH, CplD).
  static let creditTypes = ["ph", "pd", "nph", "npd", "cplh", "cpld"]
  /// A switch port's flow-control pins: ours into the RTL, then the switch's out of it.
  static func creditPins(of link: String) -> (inputs: [String], outputs: [String]) {
    (["\(link)_fc_initialize", "\(link)_fc_update"] + creditTypes.flatMap { ["\(link)_fc_\($0)_advertised", "\(link)_fc_\($0)_limit"] },
     creditTypes.flatMap { ["\(link)_rx_fc_\($0)_advertised", "\(link)_rx_fc_\($0)_allocated"] })
  }

  /// Sorts `ports`; fails when there is no clock input named `clock`.
  public init(ports: [ModulePort], clock: String = "clk", reset: String = "rst") throws {
    let byName = Dictionary(ports.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    guard byName[clock]?.direction == .input, byName[clock]?.width == 1 else {
      throw SystemCExportError.noClock(name: clock, ports: ports.map(\.name))
    }
    self.clock = clock
    self.reset = byName[reset].flatMap { $0.direction == .input && $0.width == 1 ? reset : nil }

    var claimed: Set<String> = [clock]
    if let r = self.reset { claimed.insert(r) }
    var mmio: [MMIOPort] = []
    var tlp: [TLPPort] = []
    let prefixes = ports.map(\.name).filter { $0.hasSuffix("_valid") }.map { String($0.dropLast("_valid".count)) }
    for prefix in prefixes {
      func port(_ member: String, _ direction: ModulePort.Direction) -> ModulePort? {
        byName["\(prefix)_\(member)"].flatMap { $0.direction == direction ? $0 : nil }
      }
      if Self.mmioInputs.allSatisfy({ port($0, .input) != nil }), Self.mmioOutputs.allSatisfy({ port($0, .output) != nil }),
         let address = port("address", .input), let data = port("wdata", .input),
         data.width % 8 == 0, data.width <= 64, address.width <= 64,
         port("rdata", .output)?.width == data.width, port("strobe", .input)?.width == data.width / 8 {
        mmio.append(MMIOPort(prefix: prefix, addressWidth: address.width, dataWidth: data.width))
        claimed.formUnion((Self.mmioInputs + Self.mmioOutputs).map { "\(prefix)_\($0)" })
        continue
      }
      for direction in [TLPPort.Direction.intoDesign, .outOfDesign] {
        let forward: ModulePort.Direction = direction == .intoDesign ? .input : .output
        let backward: ModulePort.Direction = direction == .intoDesign ? .output : .input
        guard Self.tlpForward.allSatisfy({ port($0, forward) != nil }), port("ready", backward) != nil,
              port("header", forward)?.width == 128, let data = port("data", forward),
              data.width % 32 == 0, data.width >= 32, port("strobe", forward)?.width == data.width / 32,
              port("valid", forward)?.width == 1, port("start", forward)?.width == 1, port("end", forward)?.width == 1
        else { continue }
        tlp.append(TLPPort(prefix: prefix, dataWidth: data.width, direction: direction))
        claimed.formUnion((Self.tlpForward + ["ready"]).map { "\(prefix)_\($0)" })
      }
    }
    self.mmio = mmio
    self.tlp = tlp
    // A link with all of a switch port's flow-control pins (1-bit strobes, values of 2...32 bits,
    // the pin type LinkCredits uses), and a reset to start from.
    let links = tlp.filter { $0.direction == .intoDesign && $0.prefix.hasSuffix("_in") }.map { String($0.prefix.dropLast(3)) }
      .filter { base in tlp.contains { $0.direction == .outOfDesign && $0.prefix == "\(base)_out" } }
    creditedLinks = self.reset == nil ? [] : links.filter { link in
      let (inputs, outputs) = Self.creditPins(of: link)
      return inputs.enumerated().allSatisfy { index, name in
        guard let port = byName[name], port.direction == .input else { return false }
        return index < 2 ? port.width == 1 : (2...32).contains(port.width)
      } && outputs.allSatisfy { byName[$0]?.direction == .output && (2...32).contains(byName[$0]!.width) }
    }
    for link in creditedLinks {
      let (inputs, outputs) = Self.creditPins(of: link)
      claimed.formUnion(inputs + outputs)
    }
    pins = ports.filter { !claimed.contains($0.name) }
  }
}

/// The C++ type Verilator 5 gives a SystemC pin of `width` bits (`--sc`, default pin options).
func systemCPinType(width: Int) -> String {
  switch width {
  case 1: return "bool"
  case 2...32: return "uint32_t"
  case 33...64: return "uint64_t"
  default: return "sc_dt::sc_bv<\(width)>"
  }
}
