import Foundation

/// Yosys on a design one module at a time, each module's children read as black boxes
/// (`read_verilog -lib`), with clean verdicts remembered by content.
///
/// `synth -top` on a whole board already synthesises each distinct module once, but every run
/// pays for all of them again, and a board's node dominates (cluster4: minutes). Here a module's
/// verdict is keyed by the Yosys version, the script, its own Verilog and its children's
/// (whose ports it connects), so a change re-synthesises only the modules it touches, and a
/// module shared by two designs is paid once. The checks are the same: `synth -top` of every
/// module, with the ports of each instance checked against its child's declaration; warnings
/// and errors are reported per module.
///
/// Memories stay memory cells (`$mem_v2`), as a vendor flow maps them to block RAM: `synth`'s
/// `fine` step is run without its `memory_map`, which would turn an on-chip table (the tier
/// controller's page map: 65536 entries on devkit) into flip-flops and take minutes per module.
public struct YosysByModule {
  /// Where clean verdicts are kept (one empty file per key); nil: remember nothing.
  public let cache: URL?

  public init(cache: URL?) { self.cache = cache }

  /// What the last `run` did: modules checked, and how many of them came from the cache.
  public private(set) var modules = 0
  public private(set) var fromCache = 0

  public mutating func run(_ v: VerilogFiles) throws -> ToolVerdict {
    let yosys = try ExternalTool.yosys.locate()
    let version = try Toolchain.run(yosys, ["-V"]).output
    let names = v.files.map { $0.deletingPathExtension().lastPathComponent }
    let texts = try v.files.map { try String(contentsOf: $0, encoding: .utf8) }
    var warnings: [String] = [], errors: [String] = [], output = ""
    modules = v.files.count
    fromCache = 0
    var jobs: [(name: String, script: String, key: String)] = []
    for (index, name) in names.enumerated() {
      let children = Self.instantiated(in: texts[index], among: names).filter { $0 != name }
      let childFiles = children.compactMap { child in names.firstIndex(of: child).map { v.files[$0] } }
      let script = childFiles.map { "read_verilog -lib \($0.path)" }.joined(separator: "; ")
        + (childFiles.isEmpty ? "" : "; ") + "read_verilog \(v.files[index].path); " + Self.synthesis(top: name)
      let key = Self.digest([version, Self.synthesis(top: "top"), texts[index]] + children.compactMap { names.firstIndex(of: $0).map { texts[$0] } })
      if let marker = cache?.appendingPathComponent(key), FileManager.default.fileExists(atPath: marker.path) {
        fromCache += 1
      } else {
        jobs.append((name, script, key))
      }
    }
    // Modules are independent: one Yosys per core (a cold cluster4 is minutes of single-core work).
    let results = Self.concurrently(jobs.count) { i in Result { try Toolchain.run(yosys, ["-p", jobs[i].script], in: v.directory) } }
    for (job, outcome) in zip(jobs, results) {
      let result = try outcome.get()
      let name = job.name
      let lines = result.output.split(separator: "\n").map(String.init)
      let moduleWarnings = lines.filter { $0.hasPrefix("Warning:") }.map { "\(name): \($0)" }
      var moduleErrors = lines.filter { $0.hasPrefix("ERROR:") }.map { "\(name): \($0)" }
      if result.status != 0 && moduleErrors.isEmpty { moduleErrors = ["\(name): yosys exited with status \(result.status)"] }
      warnings += moduleWarnings
      errors += moduleErrors
      output += "== \(name)\n" + result.output
      if moduleWarnings.isEmpty && moduleErrors.isEmpty, let cache {
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        try Data().write(to: cache.appendingPathComponent(job.key))
      }
    }
    return ToolVerdict(tool: .yosys, command: "yosys -p 'read_verilog -lib <children>; read_verilog <module>; \(Self.synthesis(top: "<module>"))' per module",
                       warnings: warnings, errors: errors, cells: nil, output: output)
  }

  /// `body(0..<count)` on up to one thread per core; the results in index order.
  static func concurrently<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    let lock = NSLock()
    var results = [T?](repeating: nil, count: count)
    DispatchQueue.concurrentPerform(iterations: count) { i in
      let value = body(i)
      lock.lock()
      results[i] = value
      lock.unlock()
    }
    return results.map { $0! }
  }

  /// `synth -top` with its `fine` step's commands (Yosys 0.23, `help synth`) minus `memory_map`.
  static func synthesis(top: String) -> String {
    "synth -top \(top) -run :fine; opt -fast -full; opt -full; techmap; opt -fast; abc -fast; opt -fast; synth -top \(top) -run check:"
  }

  /// Names in `names` that `text` instantiates: a line that starts with the module's name and
  /// an instance name, as the emitter writes instances.
  static func instantiated(in text: String, among names: [String]) -> [String] {
    let known = Set(names)
    var found: [String] = []
    for line in text.split(separator: "\n") {
      let words = line.split(separator: " ", omittingEmptySubsequences: true)
      guard words.count >= 2, known.contains(String(words[0])), !found.contains(String(words[0])) else { continue }
      found.append(String(words[0]))
    }
    return found
  }

  /// A 128-bit FNV-1a digest (two 64-bit lanes with different offsets) of the parts, each
  /// followed by its length so that parts cannot run into each other. A cache key, not a seal.
  static func digest(_ parts: [String]) -> String {
    var lanes: [UInt64] = [0xcbf2_9ce4_8422_2325, 0x8422_2325_cbf2_9ce4]
    for part in parts {
      for byte in Array(part.utf8) + Array(String(part.utf8.count).utf8) + [0] {
        for i in lanes.indices { lanes[i] = (lanes[i] ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
      }
    }
    return lanes.map { String($0, radix: 16) }.joined(separator: "-")
  }
}
