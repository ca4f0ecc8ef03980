import Foundation
import Cores
import HDL

// The Strata side of `scripts/bench/elaborate`: elaborates and emits the benchmark designs,
// timing elaboration plus emission (Verilog written to files), as the Python programs do.
//
// Usage: ElaborateBench OUT_DIR FIFO_COUNT
// Writes OUT_DIR/{crossbar,fifos,fifo,arbiter}/*.v and prints one JSON object with the
// wall-clock and CPU times and the top module names (of the FIFO family too).

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("ElaborateBench: \(message)\n".utf8))
  exit(2)
}

/// Elaborates `module` and writes one file per Verilog module into `directory`; returns the top's name.
@discardableResult
func emit(_ module: Module, into directory: URL) -> String {
  let design: Design
  do { design = try Design(top: module) } catch { fail("\(module.name) does not elaborate:\n\(error)") }
  do {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for file in design.verilogFiles() {
      try Data(file.contents.utf8).write(to: directory.appendingPathComponent(file.name))
    }
  } catch { fail("cannot write into \(directory.path): \(error)") }
  return design.top
}

/// The process's CPU time (user and system) so far, in seconds.
func cpuSeconds() -> Double {
  var usage = rusage()
  #if os(Linux)
  getrusage(RUSAGE_SELF.rawValue, &usage)
  #else
  getrusage(RUSAGE_SELF, &usage)
  #endif
  let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
  return user + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
}

/// Wall-clock and CPU seconds that `body` takes. CPU time is the steadier figure on a shared machine.
func measure(_ body: () -> Void) -> (wall: Double, cpu: Double) {
  let cpuStart = cpuSeconds()
  let elapsed = ContinuousClock().measure(body)
  return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18, cpuSeconds() - cpuStart)
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let fifoCount = Int(arguments[2]), fifoCount > 0 else {
  fail("usage: ElaborateBench OUT_DIR FIFO_COUNT (a positive number of FIFO parameterisations)")
}
let out = URL(fileURLWithPath: arguments[1])

var crossbarTop = ""
let crossbarTime = measure {
  crossbarTop = emit(crossbar(ports: Parameters.crossbarPorts, width: Parameters.crossbarWidth),
                     into: out.appendingPathComponent("crossbar"))
}
var familyTops: [String] = []
familyTops.reserveCapacity(fifoCount)
let fifosTime = measure {
  for (depth, width) in Parameters.fifoFamily(fifoCount) {
    familyTops.append(emit(fifo(depth: depth, width: width), into: out.appendingPathComponent("fifos")))
  }
}
let fifoTop = emit(fifo(depth: Parameters.fifoDepth, width: Parameters.fifoWidth), into: out.appendingPathComponent("fifo"))
let arbiterTop = emit(roundRobinArbiter(requesters: Parameters.arbiterRequesters, width: Parameters.arbiterWidth),
                      into: out.appendingPathComponent("arbiter"))

print("""
  {"crossbar_seconds": \(crossbarTime.wall), "fifos_seconds": \(fifosTime.wall), \
  "crossbar_cpu_seconds": \(crossbarTime.cpu), "fifos_cpu_seconds": \(fifosTime.cpu), \
  "tops": {"crossbar": "\(crossbarTop)", "fifo": "\(fifoTop)", "arbiter": "\(arbiterTop)"}, \
  "family": [\(familyTops.map { "\"\($0)\"" }.joined(separator: ", "))]}
  """)
