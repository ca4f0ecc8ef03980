import Foundation

/// What one tool said about a design.
public struct ToolVerdict: Sendable, CustomStringConvertible {
  public let tool: ExternalTool
  public let command: String
  public let warnings: [String]
  public let errors: [String]
  /// Yosys only: the number of cells after `synth`.
  public let cells: Int?
  public let output: String

  /// True when the tool accepted the design without a warning.
  public var isClean: Bool { warnings.isEmpty && errors.isEmpty }

  public var description: String {
    let verdict = isClean ? "clean" : "\(errors.count) error(s), \(warnings.count) warning(s)"
    var text = "\(tool.rawValue): \(verdict)\(cells.map { " (\($0) cells)" } ?? "")"
    for line in errors + warnings { text += "\n  \(line)" }
    return text
  }
}

/// Runs the three Verilog tools the project promises to satisfy.
public enum Lint {
  /// `verilator --lint-only -Wall` on the files.
  public static func verilator(_ v: VerilogFiles) throws -> ToolVerdict {
    let args = ["--lint-only", "-Wall", "--top-module", v.top] + v.files.map(\.path)
    let result = try Toolchain.run(try ExternalTool.verilator.locate(), args, in: v.directory)
    let lines = result.output.split(separator: "\n").map(String.init)
    let warnings = lines.filter { $0.hasPrefix("%Warning") }
    var errors = lines.filter { $0.hasPrefix("%Error") && !$0.hasPrefix("%Error: Exiting due to") }
    if result.status != 0 && errors.isEmpty && warnings.isEmpty { errors = ["verilator exited with status \(result.status)"] }
    return ToolVerdict(tool: .verilator, command: "verilator " + args.joined(separator: " "), warnings: warnings,
                       errors: errors, cells: nil, output: result.output)
  }

  /// Icarus Verilog compiling the files as Verilog-2005.
  public static func icarus(_ v: VerilogFiles) throws -> ToolVerdict {
    let args = ["-g2005", "-Wall", "-o", "/dev/null", "-s", v.top] + v.files.map(\.path)
    let result = try Toolchain.run(try ExternalTool.iverilog.locate(), args, in: v.directory)
    let lines = result.output.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    let warnings = lines.filter { $0.contains("warning") }
    var errors = lines.filter { !$0.contains("warning") }
    if result.status != 0 && errors.isEmpty { errors = ["iverilog exited with status \(result.status)"] }
    return ToolVerdict(tool: .iverilog, command: "iverilog " + args.joined(separator: " "), warnings: warnings,
                       errors: result.status == 0 ? [] : errors, cells: nil, output: result.output)
  }

  /// Yosys reading the files and running `synth -top`, with the cell count of the result.
  public static func yosys(_ v: VerilogFiles) throws -> ToolVerdict {
    let script = v.files.map { "read_verilog \($0.path)" }.joined(separator: "; ") + "; synth -top \(v.top); stat"
    let args = ["-p", script]
    let result = try Toolchain.run(try ExternalTool.yosys.locate(), args, in: v.directory)
    let lines = result.output.split(separator: "\n").map(String.init)
    let warnings = lines.filter { $0.hasPrefix("Warning:") }
    var errors = lines.filter { $0.hasPrefix("ERROR:") }
    if result.status != 0 && errors.isEmpty { errors = ["yosys exited with status \(result.status)"] }
    // The last "Number of cells" line is the top module's total (the hierarchy summary).
    let cells = lines.last { $0.contains("Number of cells:") }
      .flatMap { Int($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) }
    return ToolVerdict(tool: .yosys, command: "yosys -p '\(script)'", warnings: warnings, errors: errors,
                       cells: cells, output: result.output)
  }

  /// All three tools, in order.
  public static func all(_ v: VerilogFiles) throws -> [ToolVerdict] {
    [try verilator(v), try icarus(v), try yosys(v)]
  }
}
