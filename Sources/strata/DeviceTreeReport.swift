import Firmware
import Foundation

/// The device tree as `strata enumerate` prints it: an indented listing (lspci-like BDFs,
/// hexadecimal addresses) or JSON.
enum DeviceTreeReport {
  static func text(_ tree: DeviceTree, names: [BDF: String]) -> String {
    var lines: [String] = []
    func walk(_ parent: Int?, depth: Int) {
      for i in tree.children(of: parent) {
        let f = tree.functions[i]
        let pad = String(repeating: "  ", count: depth)
        var head = "\(pad)\(f.bdf.text) [\(hex(UInt64(f.vendorID), 4)):\(hex(UInt64(f.deviceID), 4))] class \(hex(UInt64(f.classCode), 6))"
        if let n = names[f.bdf] { head += " \(n)" }
        if let m = f.maxPayload { head += "  MPS \(m)" }
        lines.append(head)
        if let b = f.bridge {
          lines.append("\(pad)  buses \(hex(UInt64(b.secondaryBus), 2))-\(hex(UInt64(b.subordinateBus), 2))"
                       + "  memory \(window(b.memoryWindow))  prefetchable \(window(b.prefetchableWindow))")
        }
        for bar in f.bars {
          let kind = bar.kind == .io ? "io" : bar.kind == .memory64 ? "mem64" : "mem32"
          let at = bar.address.map { "at 0x\(hex($0, 1))" } ?? "not assigned"
          lines.append("\(pad)  BAR\(bar.index) \(kind)\(bar.isPrefetchable ? " prefetchable" : "") \(size(bar.size)) \(at)")
        }
        if f.isBridge { walk(i, depth: depth + 1) }
      }
    }
    walk(nil, depth: 0)
    if !tree.notReady.isEmpty {
      lines.append("not ready (still answering CRS when the retry budget ran out): " + tree.notReady.map(\.text).joined(separator: ", "))
    }
    lines.append("\(tree.functions.count) functions, buses up to \(hex(UInt64(tree.lastBus), 2))")
    return lines.joined(separator: "\n")
  }

  struct JSONFunction: Codable {
    var bdf: String
    var name: String?
    var vendorID: String
    var deviceID: String
    var classCode: String
    var parent: String?
    var maxPayload: Int?
    var bars: [JSONBAR]
    var bridge: JSONBridge?
  }

  struct JSONBAR: Codable {
    var index: Int
    var kind: String
    var prefetchable: Bool
    var size: UInt64
    var address: String?
  }

  struct JSONBridge: Codable {
    var primaryBus: Int
    var secondaryBus: Int
    var subordinateBus: Int
    var memoryWindow: [String]?
    var prefetchableWindow: [String]?
  }

  struct JSONTree: Codable {
    var functions: [JSONFunction]
    var notReady: [String]
    var lastBus: Int
  }

  static func json(_ tree: DeviceTree, names: [BDF: String]) throws -> String {
    let functions = tree.functions.map { f in
      JSONFunction(
        bdf: f.bdf.text, name: names[f.bdf], vendorID: "0x" + hex(UInt64(f.vendorID), 4), deviceID: "0x" + hex(UInt64(f.deviceID), 4),
        classCode: "0x" + hex(UInt64(f.classCode), 6), parent: f.parent.map { tree.functions[$0].bdf.text }, maxPayload: f.maxPayload,
        bars: f.bars.map { b in
          JSONBAR(index: b.index, kind: b.kind == .io ? "io" : b.kind == .memory64 ? "mem64" : "mem32", prefetchable: b.isPrefetchable,
                  size: b.size, address: b.address.map { "0x" + hex($0, 1) })
        },
        bridge: f.bridge.map { b in
          JSONBridge(primaryBus: Int(b.primaryBus), secondaryBus: Int(b.secondaryBus), subordinateBus: Int(b.subordinateBus),
                     memoryWindow: b.memoryWindow.map { ["0x" + hex($0.base, 1), "0x" + hex($0.limit, 1)] },
                     prefetchableWindow: b.prefetchableWindow.map { ["0x" + hex($0.base, 1), "0x" + hex($0.limit, 1)] })
        })
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data = try encoder.encode(JSONTree(functions: functions, notReady: tree.notReady.map(\.text), lastBus: Int(tree.lastBus)))
    return String(decoding: data, as: UTF8.self)
  }

  private static func window(_ w: AddressWindow?) -> String {
    w.map { "0x\(hex($0.base, 1))-0x\(hex($0.limit, 1))" } ?? "closed"
  }

  private static func size(_ bytes: UInt64) -> String {
    for (unit, scale) in [("GiB", UInt64(1) << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= scale && bytes % scale == 0 {
      return "\(bytes / scale) \(unit)"
    }
    return "\(bytes) B"
  }

  private static func hex(_ v: UInt64, _ digits: Int) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, digits - s.count)) + s
  }
}
