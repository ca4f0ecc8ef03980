import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// With STRATA_BUILD_LOG=<file>, every model build appends a line to that file:
/// `<top> <key prefix> <format> wall <seconds> cpu <seconds>`, the CPU time being what
/// Verilator, make and the C++ compiler used (the process's waited-for children, so builds
/// running at the same time in one process blur into each other). It shows where a cold test
/// run's time goes; `sort -k7 -n` lists the dearest models last.
struct BuildLog {
  private let started: (wall: Double, cpu: Double)

  init() { started = (Self.wallSeconds(), Self.childrenCPUSeconds()) }

  func record(_ source: ModelSource, key: String) {
    guard let path = ProcessInfo.processInfo.environment["STRATA_BUILD_LOG"], !path.isEmpty else { return }
    let wall = Self.wallSeconds() - started.wall, cpu = Self.childrenCPUSeconds() - started.cpu
    let line = "\(source.top) \(key.prefix(12)) \(source.traceFormat) wall \(String(format: "%.1f", wall)) cpu \(String(format: "%.1f", cpu))\n"
    if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    guard let handle = FileHandle(forWritingAtPath: path) else { return }
    handle.seekToEndOfFile()
    handle.write(Data(line.utf8))
    handle.closeFile()
  }

  private static func wallSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

  private static func childrenCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
  }
}
