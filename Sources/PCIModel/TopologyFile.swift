import Firmware
import Yams

/// A topology file (YAML) read into a configuration-space model and enumeration options.
/// The format is documented in docs/firmware.md; every mistake is reported with its line.
public struct Topology {
  public var model: ConfigurationSpaceModel
  public var options: EnumerationOptions
  /// The functions on the root bus as the file writes them (the model is built from the same).
  public var root: [TopologyFunction]
  /// The line of `options.crs_software_visibility: true`, when the file asks for it.
  public var crsSoftwareVisibilityLine: Int?
  /// The file's name as given to `parse`, for messages.
  public var file: String

  public static func parse(yaml: String, file: String) throws(TopologyError) -> Topology {
    let root: Node
    do {
      guard let node = try Yams.compose(yaml: yaml) else {
        throw TopologyError([.init(file: file, line: 1, column: 1, message: "the file is empty; expected a mapping with root:")])
      }
      root = node
    } catch let e as TopologyError {
      throw e
    } catch let YamlError.scanner(_, problem, mark, _), let YamlError.parser(_, problem, mark, _) {
      throw TopologyError([.init(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")])
    } catch {
      throw TopologyError([.init(file: file, line: 1, column: 1, message: "YAML: \(error)")])
    }
    let reader = TopologyReader(file: file)
    let result = reader.topology(root)
    guard reader.problems.isEmpty, let result else { throw TopologyError(reader.problems) }
    return result
  }
}

/// Every mistake found in a topology file, in file order.
public struct TopologyError: Error, CustomStringConvertible {
  public struct Problem: Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
      self.file = file
      self.line = line
      self.column = column
      self.message = message
    }
  }

  public var problems: [Problem]

  public init(_ problems: [Problem]) {
    self.problems = problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
  }

  public var description: String {
    problems.map { "\($0.file):\($0.line):\($0.column): error: \($0.message)" }.joined(separator: "\n")
  }
}

/// Reads the node tree; each reader returns nil after recording why.
final class TopologyReader {
  let file: String
  var problems: [TopologyError.Problem] = []
  private var crsVisibility = false
  private var crsVisibilityLine: Int?

  init(file: String) { self.file = file }

  func report(_ node: Node, _ message: String) {
    problems.append(.init(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: message))
  }

  func topology(_ node: Node) -> Topology? {
    guard let fields = mapping(node, "the file", allowed: ["root", "options"]) else { return nil }
    guard let rootNode = fields["root"] else {
      report(node, "missing root: (the list of functions on the root bus)")
      return nil
    }
    var options = EnumerationOptions()
    if let o = fields["options"] { readOptions(o, into: &options) }
    let bus = ModelBus()
    let written = readBus(rootNode, path: "root", into: bus, link: false)
    let model = ConfigurationSpaceModel(root: bus, rootBus: options.rootBus)
    model.crsSoftwareVisibility = crsVisibility
    return Topology(model: model, options: options, root: written, crsSoftwareVisibilityLine: crsVisibility ? crsVisibilityLine : nil,
                    file: file)
  }

  // MARK: - Options

  private func readOptions(_ node: Node, into o: inout EnumerationOptions) {
    let keys: Set = ["last_bus", "memory_aperture", "prefetchable_aperture", "root_max_payload", "payload_policy",
                     "retry_initial_delay_cycles", "retry_timeout_cycles", "crs_software_visibility"]
    guard let f = mapping(node, "options", allowed: keys) else { return }
    if let n = f["last_bus"], let v = integer(n, "options.last_bus", in: 1...255) { o.lastBus = UInt8(v) }
    if let n = f["memory_aperture"], let w = aperture(n, "options.memory_aperture") { o.memoryAperture = w }
    if let n = f["prefetchable_aperture"] {
      if isNull(n) { o.prefetchableAperture = nil } else if let w = aperture(n, "options.prefetchable_aperture") { o.prefetchableAperture = w }
    }
    if let n = f["root_max_payload"], let v = payload(n, "options.root_max_payload") { o.rootMaxPayload = v }
    if let n = f["payload_policy"] {
      switch n.scalar?.string {
      case "path": o.payloadPolicy = .pathMinimum
      case "fabric": o.payloadPolicy = .fabricMinimum
      default: report(n, "options.payload_policy: expected path or fabric")
      }
    }
    if let n = f["retry_initial_delay_cycles"], let v = integer(n, "options.retry_initial_delay_cycles", in: 1...Int(UInt32.max)) {
      o.retryInitialDelayCycles = UInt64(v)
    }
    if let n = f["retry_timeout_cycles"], let v = integer(n, "options.retry_timeout_cycles", in: 0...Int.max) {
      o.retryTimeoutCycles = UInt64(v)
    }
    if let n = f["crs_software_visibility"], let v = boolean(n, "options.crs_software_visibility") {
      crsVisibility = v
      crsVisibilityLine = n.mark?.line
    }
  }

  private func aperture(_ node: Node, _ path: String) -> AddressWindow? {
    guard let f = mapping(node, path, allowed: ["base", "size"]),
          let baseNode = required(f, "base", in: node, path), let sizeNode = required(f, "size", in: node, path),
          let base = unsigned(baseNode, "\(path).base"), let size = size(sizeNode, "\(path).size")
    else { return nil }
    guard size > 0, base <= UInt64.max - (size - 1) else {
      report(sizeNode, "\(path).size: the aperture runs past the end of the address space")
      return nil
    }
    return AddressWindow(base: base, limit: base + (size - 1))
  }

  // MARK: - Buses and functions

  @discardableResult
  private func readBus(_ node: Node, path: String, into bus: ModelBus, link: Bool) -> [TopologyFunction] {
    guard let items = node.sequence else {
      report(node, "\(path): expected a list of functions")
      return []
    }
    var taken: Set<Int> = []
    var written: [TopologyFunction] = []
    for (i, item) in items.enumerated() {
      let p = "\(path)[\(i)]"
      guard let (device, function, f, description) = readFunction(item, path: p) else { continue }
      guard taken.insert(device * 8 + function).inserted else {
        report(item, "\(p): device \(device) function \(function) appears twice on this bus")
        continue
      }
      if link && device != 0 {
        report(item, "\(p): a PCIe link below a root or downstream port carries device 0 only (PCIe Base 4.0 §7.3.1)")
        continue
      }
      bus.attach(UInt8(device), UInt8(function), f)
      written.append(description)
    }
    return written
  }

  private static let functionKeys: Set = ["device", "function", "name", "vendor", "device_id", "class", "bars", "max_payload",
                                          "ready_after_cycles", "bridge", "prefetchable", "below"]

  private func readFunction(_ node: Node, path: String) -> (Int, Int, ModelFunction, TopologyFunction)? {
    guard let f = mapping(node, path, allowed: Self.functionKeys) else { return nil }
    guard let deviceNode = required(f, "device", in: node, path), let device = integer(deviceNode, "\(path).device", in: 0...31)
    else { return nil }
    let function = f["function"].flatMap { integer($0, "\(path).function", in: 0...7) } ?? 0
    let name = f["name"]?.scalar?.string ?? path
    let vendor = f["vendor"].flatMap { integer($0, "\(path).vendor", in: 1...0xFFFE) } ?? 0x1D1D
    var maxPayload: Int? = 256
    if let n = f["max_payload"] { maxPayload = isNull(n) ? nil : payload(n, "\(path).max_payload") }
    let readyAt = f["ready_after_cycles"].flatMap { integer($0, "\(path).ready_after_cycles", in: 0...Int.max) } ?? 0

    let made: ModelFunction
    var description = TopologyFunction(name: name, device: device, function: function, line: node.mark?.line ?? 1,
                                       column: node.mark?.column ?? 1, kind: .endpoint, vendor: vendor, deviceID: 0, classCode: 0x060400,
                                       bars: [], maxPayload: maxPayload, readyAfterCycles: readyAt, prefetchable: .none, below: [])
    if let kindNode = f["bridge"] {
      let kinds: [String: ModelFunction.PortType] = ["root_port": .rootPort, "upstream": .upstreamPort, "downstream": .downstreamPort,
                                                     "pci_bridge": .pcieToPCIBridge]
      guard let kindText = kindNode.scalar?.string, let kind = kinds[kindText] else {
        report(kindNode, "\(path).bridge: expected root_port, upstream, downstream or pci_bridge")
        return nil
      }
      var window = ModelFunction.PrefetchableWindow.bits64
      if let n = f["prefetchable"] {
        switch n.scalar?.string {
        case "64": window = .bits64
        case "32": window = .bits32
        case "none": window = .none
        default: report(n, "\(path).prefetchable: expected 64, 32 or none")
        }
      }
      let (bars, barLines) = f["bars"].map { readBARs($0, path: "\(path).bars", slots: 2) } ?? ([:], [:])
      let below = ModelBus()
      let device = f["device_id"].flatMap { integer($0, "\(path).device_id", in: 1...0xFFFE) } ?? 0x0100
      made = ModelFunction(name, bridge: kind, to: below, prefetchable: window, bars: bars, maxPayloadSupported: maxPayload ?? 256,
                           vendor: UInt16(vendor), device: UInt16(device))
      description.kind = .bridge(kind)
      description.deviceID = device
      description.prefetchable = window
      description.bars = Self.written(bars, barLines)
      if let b = f["below"] {
        description.below = readBus(b, path: "\(path).below", into: below, link: kind == .rootPort || kind == .downstreamPort)
      }
    } else {
      for key in ["prefetchable", "below"] where f[key] != nil {
        report(f[key]!, "\(path).\(key): only bridges have \(key); add bridge: root_port, upstream, downstream or pci_bridge")
      }
      let (bars, barLines) = f["bars"].map { readBARs($0, path: "\(path).bars", slots: 6) } ?? ([:], [:])
      let device = f["device_id"].flatMap { integer($0, "\(path).device_id", in: 1...0xFFFE) } ?? 0x0001
      let classCode = f["class"].flatMap { integer($0, "\(path).class", in: 0...0xFF_FFFF) } ?? 0x058000
      made = ModelFunction(name, vendor: UInt16(vendor), device: UInt16(device), classCode: UInt32(classCode), bars: bars,
                           maxPayloadSupported: maxPayload)
      description.deviceID = device
      description.classCode = classCode
      description.bars = Self.written(bars, barLines)
    }
    made.readyAtCycle = UInt64(readyAt)
    return (device, function, made, description)
  }

  private static func written(_ bars: [Int: ModelFunction.BAR], _ lines: [Int: Int]) -> [TopologyFunction.BAR] {
    bars.keys.sorted().map { TopologyFunction.BAR(slot: $0, bar: bars[$0]!, line: lines[$0] ?? 1) }
  }

  /// The BARs by slot, and the line each was written on.
  private func readBARs(_ node: Node, path: String, slots: Int) -> ([Int: ModelFunction.BAR], [Int: Int]) {
    guard let items = node.sequence else {
      report(node, "\(path): expected a list of BARs, e.g. - { slot: 0, type: mem64, size: 16MiB, prefetchable: true }")
      return ([:], [:])
    }
    var bars: [Int: ModelFunction.BAR] = [:]
    var lines: [Int: Int] = [:]
    var used: Set<Int> = []
    for (i, item) in items.enumerated() {
      let p = "\(path)[\(i)]"
      guard let f = mapping(item, p, allowed: ["slot", "type", "size", "prefetchable"]),
            let slotNode = required(f, "slot", in: item, p), let slot = integer(slotNode, "\(p).slot", in: 0...(slots - 1)),
            let typeNode = required(f, "type", in: item, p), let sizeNode = required(f, "size", in: item, p),
            let size = size(sizeNode, "\(p).size")
      else { continue }
      let prefetchable = f["prefetchable"].flatMap { boolean($0, "\(p).prefetchable") } ?? false
      let bar: ModelFunction.BAR
      switch typeNode.scalar?.string {
      case "mem32": bar = .memory32(size: size, prefetchable: prefetchable)
      case "mem64": bar = .memory64(size: size, prefetchable: prefetchable)
      case "io": bar = .io(size: size)
      default:
        report(typeNode, "\(p).type: expected mem32, mem64 or io")
        continue
      }
      let minimum: UInt64 = { if case .io = bar { return 4 } else { return 16 } }()
      let maximum: UInt64 = { if case .memory64 = bar { return 1 << 62 } else if case .io = bar { return 256 } else { return 1 << 31 } }()
      guard size.nonzeroBitCount == 1, size >= minimum, size <= maximum else {
        report(sizeNode, "\(p).size: a BAR size is a power of two from \(minimum) to \(maximum) bytes")
        continue
      }
      let needs = bar.slots == 2 ? [slot, slot + 1] : [slot]
      guard needs.allSatisfy({ $0 < slots && !used.contains($0) }) else {
        report(slotNode, "\(p).slot: slot \(slot) is taken or out of range (a mem64 BAR also takes slot \(slot + 1); this function has \(slots) slots)")
        continue
      }
      used.formUnion(needs)
      bars[slot] = bar
      lines[slot] = item.mark?.line ?? 1
    }
    return (bars, lines)
  }

  // MARK: - Scalars

  private func mapping(_ node: Node, _ path: String, allowed: Set<String>) -> [String: Node]? {
    guard let m = node.mapping else {
      report(node, "\(path): expected a mapping of keys to values")
      return nil
    }
    var out: [String: Node] = [:]
    for (k, v) in m {
      guard let key = k.scalar?.string else { continue }
      if allowed.contains(key) { out[key] = v } else {
        report(k, "\(path): unknown key \(key); expected one of \(allowed.sorted().joined(separator: ", "))")
      }
    }
    return out
  }

  private func required(_ f: [String: Node], _ key: String, in node: Node, _ path: String) -> Node? {
    if let v = f[key] { return v }
    report(node, "\(path): missing \(key):")
    return nil
  }

  private func isNull(_ node: Node) -> Bool {
    guard let s = node.scalar else { return false }
    return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
  }

  private func boolean(_ node: Node, _ path: String) -> Bool? {
    switch node.scalar?.string {
    case "true": return true
    case "false": return false
    default:
      report(node, "\(path): expected true or false")
      return nil
    }
  }

  private func unsigned(_ node: Node, _ path: String) -> UInt64? {
    guard let text = node.scalar?.string else {
      report(node, "\(path): expected an integer")
      return nil
    }
    let t = text.replacingOccurrences(of: "_", with: "")
    let v = t.hasPrefix("0x") || t.hasPrefix("0X") ? UInt64(t.dropFirst(2), radix: 16) : UInt64(t)
    if v == nil { report(node, "\(path): expected an integer (decimal or 0x hexadecimal), found \(text)") }
    return v
  }

  private func integer(_ node: Node, _ path: String, in range: ClosedRange<Int>) -> Int? {
    guard let v = unsigned(node, path) else { return nil }
    guard v <= UInt64(Int.max), range.contains(Int(v)) else {
      report(node, "\(path): expected \(range.lowerBound)...\(range.upperBound), found \(v)")
      return nil
    }
    return Int(v)
  }

  private func payload(_ node: Node, _ path: String) -> Int? {
    guard let v = integer(node, path, in: 128...4096) else { return nil }
    guard v.nonzeroBitCount == 1 else {
      report(node, "\(path): expected 128, 256, 512, 1024, 2048 or 4096")
      return nil
    }
    return v
  }

  /// Bytes, as an integer or with a binary unit: 4096, 0x1000, 64KiB, 16 MiB, 8GiB, 1TiB.
  private func size(_ node: Node, _ path: String) -> UInt64? {
    guard let text = node.scalar?.string else {
      report(node, "\(path): expected a size such as 4096, 64KiB or 16MiB")
      return nil
    }
    let units: [(String, UInt64)] = [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("B", 1)]
    for (unit, scale) in units where text.hasSuffix(unit) {
      let number = text.dropLast(unit.count).trimmingCharacters(in: " ")
      if let n = UInt64(number), n <= UInt64.max / scale { return n * scale }
      report(node, "\(path): expected a whole number before \(unit), found \(text)")
      return nil
    }
    return unsigned(node, path)
  }
}

extension Substring {
  fileprivate func trimmingCharacters(in set: Character) -> String {
    String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
  }
}
