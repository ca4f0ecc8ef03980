import Foundation

/// The bytes of a waveform file as VCD text: a `.vcd` file read directly, an `.fst` file
/// converted on the fly by GTKWave's `fst2vcd` and read from its output through a pipe, so
/// neither is ever held in memory whole.
final class WaveSource {
  let path: String
  let descriptor: Int32
  private let process: Process?
  private let errors: Pipe?
  /// Kept so its reading end stays open while the converter runs.
  private let output: Pipe?
  private var closed = false

  init(path: String) throws {
    self.path = path
    guard FileManager.default.isReadableFile(atPath: path) else {
      throw WaveError.cannotOpen(path: path, reason: FileManager.default.fileExists(atPath: path)
        ? "permission denied" : "no such file")
    }
    let lower = path.lowercased()
    if lower.hasSuffix(".fst") {
      guard let tool = WaveSource.find("fst2vcd") else {
        throw WaveError.converterMissing(tool: "fst2vcd", package: "gtkwave")
      }
      let process = Process()
      process.executableURL = URL(fileURLWithPath: tool)
      process.arguments = ["-f", path]
      let output = Pipe()
      let errors = Pipe()
      process.standardOutput = output
      process.standardError = errors
      process.standardInput = FileHandle.nullDevice
      do { try process.run() } catch {
        throw WaveError.cannotOpen(path: path, reason: "cannot start \(tool): \(error)")
      }
      self.process = process
      self.errors = errors
      self.output = output
      descriptor = output.fileHandleForReading.fileDescriptor
      try? output.fileHandleForWriting.close()
    } else if lower.hasSuffix(".vcd") {
      descriptor = open(path, O_RDONLY)
      guard descriptor >= 0 else { throw WaveError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
      process = nil
      errors = nil
      output = nil
    } else {
      throw WaveError.unsupportedFormat(path: path)
    }
  }

  deinit { close() }

  /// The converter's complaint when it failed, nil when there is none (or no converter).
  func converterFailure() -> WaveError? {
    guard let process, let errors else { return nil }
    process.waitUntilExit()
    guard process.terminationReason == .exit, process.terminationStatus != 0 else { return nil }
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return .converterFailed(tool: "fst2vcd", status: process.terminationStatus,
                            output: text.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  /// Stops reading: closes the file, or ends the converter when the rest is not needed.
  func close() {
    guard !closed else { return }
    closed = true
    if let process {
      if process.isRunning { process.terminate() }
      process.waitUntilExit()
      // The pipe's descriptor belongs to its FileHandle, which closes it.
    } else {
      _ = Glibc.close(descriptor)
    }
  }

  static func find(_ tool: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") {
      let candidate = "\(folder)/\(tool)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }
}
