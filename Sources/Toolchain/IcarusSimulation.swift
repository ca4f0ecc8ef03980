import Foundation
import HDL

/// Runs a design under Icarus Verilog one clock cycle per row of a stimulus table and returns
/// what its outputs were in each cycle. It lets tests compare emitted Verilog with a Swift
/// reference model before (and independently of) the Verilator bridge.
///
/// Each cycle: the row's input values are applied, the design settles, every output is sampled,
/// then the clock rises. Inputs missing from a row keep their previous value (0 at the start).
public struct IcarusSimulation {
  public let design: Design
  public let clock: String?
  private let inputs: [ModulePort]
  private let outputs: [ModulePort]

  /// - Parameter clock: the clock input, or nil for a purely combinational design.
  public init(_ design: Design, clock: String? = "clk") {
    self.design = design
    let ports = design.topPorts
    let hasClock = clock.map { c in ports.contains { $0.name == c && $0.direction == .input } } ?? false
    self.clock = hasClock ? clock : nil
    self.inputs = ports.filter { $0.direction == .input && $0.name != clock }
    self.outputs = ports.filter { $0.direction == .output }
  }

  /// Simulates `cycles`, returning the outputs sampled in each cycle before the clock edge.
  /// An output whose value has unknown (x or z) bits in a cycle is absent from that cycle's row.
  public func run(_ cycles: [[String: BitVector]]) throws -> [[String: BitVector]] {
    for (i, row) in cycles.enumerated() {
      for (name, value) in row {
        guard let port = inputs.first(where: { $0.name == name }) else {
          throw ToolchainError.badOutput("cycle \(i): `\(name)` is not an input of \(design.top); inputs are \(inputs.map(\.name))")
        }
        guard value.width == port.width else {
          throw ToolchainError.badOutput("cycle \(i): `\(name)` has \(port.width) bits but the value has \(value.width)")
        }
      }
    }
    let dir = VerilogFiles.temporaryDirectory("icarus")
    defer { try? FileManager.default.removeItem(at: dir) }
    let files = try VerilogFiles(design, in: dir)
    try Data(stimulus(cycles).utf8).write(to: dir.appendingPathComponent("stimulus.hex"))
    let bench = dir.appendingPathComponent("strata_bench.v")
    try Data(testbench(cycles: cycles.count).utf8).write(to: bench)

    let compile = try Toolchain.run(try ExternalTool.iverilog.locate(),
                                    ["-g2005", "-o", "sim.vvp", "-s", "strata_bench", bench.path] + files.files.map(\.path), in: dir)
    guard compile.status == 0 else { throw ToolchainError.failed(tool: "iverilog", status: compile.status, output: compile.output) }
    let sim = try Toolchain.run(try ExternalTool.vvp.locate(), ["-n", "sim.vvp"], in: dir)
    guard sim.status == 0 else { throw ToolchainError.failed(tool: "vvp", status: sim.status, output: sim.output) }
    return try parse(sim.output, cycles: cycles.count)
  }

  private var inputWidth: Int { max(inputs.reduce(0) { $0 + $1.width }, 1) }

  /// One hex word per cycle: all inputs concatenated, the first input most significant.
  private func stimulus(_ cycles: [[String: BitVector]]) -> String {
    var current = Dictionary(uniqueKeysWithValues: inputs.map { ($0.name, BitVector(width: $0.width)) })
    var text = ""
    text.reserveCapacity(cycles.count * (inputWidth / 4 + 2))
    for row in cycles {
      for (k, v) in row { current[k] = v }
      var word = BitVector(width: inputWidth)
      var bit = 0
      for port in inputs.reversed() {
        let v = current[port.name]!
        for b in 0..<port.width where v[b] { word[bit + b] = true }
        bit += port.width
      }
      text += word.hex + "\n"
    }
    return text
  }

  private func testbench(cycles: Int) -> String {
    var tb = "`timescale 1ns/1ps\nmodule strata_bench;\n"
    if let clock { tb += "  reg \(clock) = 1'b0;\n" }
    for p in inputs { tb += "  reg \(range(p.width))in_\(p.name);\n" }
    for p in outputs { tb += "  wire \(range(p.width))out_\(p.name);\n" }
    tb += "  reg [\(inputWidth - 1):0] stimulus [0:\(max(cycles, 1) - 1)];\n  integer cycle;\n"
    let pins = design.topPorts.map { p -> String in
      if p.name == clock { return ".\(p.name)(\(p.name))" }
      return ".\(p.name)(\(p.direction == .input ? "in_" : "out_")\(p.name))"
    }
    tb += "  \(design.top) dut (\(pins.joined(separator: ", ")));\n"
    tb += "  initial begin\n    $readmemh(\"stimulus.hex\", stimulus);\n"
    tb += "    for (cycle = 0; cycle < \(cycles); cycle = cycle + 1) begin\n"
    if !inputs.isEmpty { tb += "      {\(inputs.map { "in_\($0.name)" }.joined(separator: ", "))} = stimulus[cycle];\n" }
    tb += "      #1;\n"
    let formats = outputs.map { _ in "%h" }.joined(separator: " ")
    let values = outputs.map { "out_\($0.name)" }.joined(separator: ", ")
    tb += outputs.isEmpty ? "      $display(\"%0d\", cycle);\n" : "      $display(\"%0d \(formats)\", cycle, \(values));\n"
    if let clock { tb += "      \(clock) = 1'b1;\n      #1;\n      \(clock) = 1'b0;\n" }
    tb += "    end\n    $finish;\n  end\nendmodule\n"
    return tb
  }

  private func range(_ width: Int) -> String { width == 1 ? "" : "[\(width - 1):0] " }

  private func parse(_ output: String, cycles: Int) throws -> [[String: BitVector]] {
    var rows: [[String: BitVector]] = []
    rows.reserveCapacity(cycles)
    for line in output.split(separator: "\n") {
      let fields = line.split(separator: " ")
      guard let first = fields.first, Int(first) == rows.count, fields.count == outputs.count + 1 else { continue }
      var row: [String: BitVector] = [:]
      for (port, field) in zip(outputs, fields.dropFirst()) {
        // An output with unknown (x/z) bits, as before reset, is left out of the row.
        if let v = BitVector(width: port.width, hex: String(field)) { row[port.name] = v }
      }
      rows.append(row)
    }
    guard rows.count == cycles else {
      throw ToolchainError.badOutput("the simulation printed \(rows.count) of \(cycles) cycles:\n\(output.prefix(2000))")
    }
    return rows
  }
}

/// Namespace for free functions, so call sites inside types that shadow `run` stay readable.
public enum Toolchain {
  public static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> ProcessResult {
    try Toolchain_run(executable, arguments, in: directory)
  }
}
