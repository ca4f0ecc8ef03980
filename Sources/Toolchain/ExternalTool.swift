import Foundation

/// A program Strata runs but does not ship: Verilator, Icarus Verilog, Yosys.
public enum ExternalTool: String, CaseIterable, Sendable {
  case verilator, iverilog, vvp, yosys

  /// The Debian package that provides the tool.
  public var debianPackage: String {
    switch self {
    case .verilator: return "verilator"
    case .iverilog, .vvp: return "iverilog"
    case .yosys: return "yosys"
    }
  }

  /// The tool's absolute path, searched on PATH.
  public func locate() throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/\(rawValue)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw ToolchainError.missing(self)
  }
}

public enum ToolchainError: Error, CustomStringConvertible {
  case missing(ExternalTool)
  case failed(tool: String, status: Int32, output: String)
  case badOutput(String)

  public var description: String {
    switch self {
    case .missing(let tool):
      return "\(tool.rawValue) is not installed: run `scripts/setup` (it installs the Debian package \(tool.debianPackage))"
    case .failed(let tool, let status, let output):
      return "\(tool) failed (exit status \(status)):\n\(output)"
    case .badOutput(let why):
      return why
    }
  }
}

/// The result of running a program to completion.
public struct ProcessResult: Sendable {
  public let status: Int32
  /// Standard output and standard error, interleaved as the program wrote them.
  public let output: String
}

/// Runs `tool` with `arguments` in `directory`, collecting its output.
func Toolchain_run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> ProcessResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = directory }
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return ProcessResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
}
