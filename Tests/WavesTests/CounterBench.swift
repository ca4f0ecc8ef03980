import Foundation
import XCTest

/// A small Icarus/Verilator testbench and, beside it, what IEEE 1364 semantics say it does, written
/// from its source (not from any dump): the reference the reader's output is compared with.
enum CounterBench {
  /// `timescale` directive: unit/precision; the dump's times count precision units.
  static func verilog(timescale: String = "1ns/10ps", dumpFile: String) -> String {
    """
    `timescale \(timescale)
    module counter(input clk, input rst, output reg [7:0] count);
      always @(posedge clk) if (rst) count <= 8'd0; else count <= count + 8'd1;
    endmodule
    module tb;
      reg clk = 0;
      reg rst = 1;
      reg [255:0] wide;
      reg [3:0] mixed = 4'b1x0z;
      reg [1:0] state = 2'd0;
      reg drive = 0;
      wire [3:0] shared = drive ? 4'ha : 4'bzzzz;
      wire [7:0] count;
      counter dut(.clk(clk), .rst(rst), .count(count));
      always #5 clk = ~clk;
      initial begin
        $dumpfile("\(dumpFile)");
        $dumpvars(0, tb);
        #12 rst = 0;
        wide = {8{32'hdeadbeef}};
        state = 2'd1;
        #18 drive = 1;
        #22 wide[3:0] = 4'bxxxx; state = 2'd2;
        #100 $finish;
      end
    endmodule
    """
  }

  // Times below are in the dump's units for `1ns/10ps`: 1 ns = 100 units.
  static let nanosecond: UInt64 = 100
  static let end: UInt64 = 152 * nanosecond
  /// Rising clock edges: 5 ns, then every 10 ns (`always #5 clk = ~clk` from clk = 0).
  static func clk(at time: UInt64) -> UInt64 {
    time < 5 * nanosecond ? 0 : ((time - 5 * nanosecond) / (5 * nanosecond)) % 2 == 0 ? 1 : 0
  }
  /// nil while x: before the first edge. Reset (high until 12 ns) clears it; each later edge adds one.
  static func count(at time: UInt64) -> UInt64? {
    guard time >= 5 * nanosecond else { return nil }
    let edges = (time - 5 * nanosecond) / (10 * nanosecond) + 1
    let resetEdges: UInt64 = 1  // only the 5 ns edge sees rst high
    return (edges - resetEdges) % 256
  }
  static func state(at time: UInt64) -> UInt64 {
    time < 12 * nanosecond ? 0 : time < 52 * nanosecond ? 1 : 2
  }
  /// `shared` floats (z) until `drive` rises at 30 ns.
  static func sharedIsDriven(at time: UInt64) -> Bool { time >= 30 * nanosecond }
  static let wideHex = String(repeating: "deadbeef", count: 8)
}

/// Runs a testbench under Icarus (iverilog -g2005, vvp) or Verilator (--binary --timing --trace)
/// in a fresh folder and returns the dump's path.
enum DumpMaker {
  static func folder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("strata-waves-\(name)-\(getpid())")
    try? FileManager.default.removeItem(at: url)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func icarus(_ source: (String) -> String, name: String) throws -> String {
    let dir = try folder("icarus-\(name)")
    try source("\(name).vcd").write(to: dir.appendingPathComponent("tb.v"), atomically: true, encoding: .utf8)
    try run("iverilog", ["-g2005", "-o", "tb.vvp", "tb.v"], in: dir)
    try run("vvp", ["-n", "tb.vvp"], in: dir)
    return dir.appendingPathComponent("\(name).vcd").path
  }

  static func verilator(_ source: (String) -> String, name: String) throws -> String {
    let dir = try folder("verilator-\(name)")
    try source("\(name).vcd").write(to: dir.appendingPathComponent("tb.v"), atomically: true, encoding: .utf8)
    try run("verilator", ["--binary", "--timing", "--trace", "-Wno-fatal", "--top-module", "tb", "tb.v", "-Mdir", "obj"], in: dir)
    try run(dir.appendingPathComponent("obj/Vtb").path, [], in: dir)
    return dir.appendingPathComponent("\(name).vcd").path
  }

  @discardableResult
  static func run(_ tool: String, _ arguments: [String], in dir: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool.hasPrefix("/") ? tool : "/usr/bin/env")
    process.arguments = tool.hasPrefix("/") ? arguments : [tool] + arguments
    process.currentDirectoryURL = dir
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw ToolFailed(description: "\(tool) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(text.suffix(2000))")
    }
    return text
  }
}

struct ToolFailed: Error, CustomStringConvertible {
  let description: String
}

/// The counter bench dumped once per test process by each simulator.
enum CounterDumps {
  private static var icarusPath: String?
  private static var verilatorPath: String?

  static func icarus() throws -> String {
    if let icarusPath { return icarusPath }
    icarusPath = try DumpMaker.icarus({ CounterBench.verilog(dumpFile: $0) }, name: "counter")
    return icarusPath!
  }

  static func verilator() throws -> String {
    if let verilatorPath { return verilatorPath }
    verilatorPath = try DumpMaker.verilator({ CounterBench.verilog(dumpFile: $0) }, name: "counter")
    return verilatorPath!
  }
}
