import Foundation
import HDL

// The Strata side of `scripts/bench/elaborate`: elaborates and emits the benchmark designs,
// timing elaboration plus emission (Verilog written to disk), as the Python programs do.
//
// Usage: ElaborateBench OUT_DIR FIFO_COUNT
// Writes OUT_DIR/{crossbar,fifos,fifo,arbiter}/*.v and prints one JSON object with the times
// and the top module names.

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

func seconds(_ body: () -> Void) -> Double {
  let elapsed = ContinuousClock().measure(body)
  return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let fifoCount = Int(arguments[2]), fifoCount > 0 else {
  fail("usage: ElaborateBench OUT_DIR FIFO_COUNT (a positive number of FIFO parameterisations)")
}
let out = URL(fileURLWithPath: arguments[1])

var crossbarTop = ""
let crossbarSeconds = seconds {
  crossbarTop = emit(crossbar(ports: Parameters.crossbarPorts, width: Parameters.crossbarWidth),
                     into: out.appendingPathComponent("crossbar"))
}
let fifosSeconds = seconds {
  for (depth, width) in Parameters.fifoFamily(fifoCount) {
    emit(fifo(depth: depth, width: width), into: out.appendingPathComponent("fifos"))
  }
}
let fifoTop = emit(fifo(depth: Parameters.fifoDepth, width: Parameters.fifoWidth), into: out.appendingPathComponent("fifo"))
let arbiterTop = emit(roundRobinArbiter(requesters: Parameters.arbiterRequesters, width: Parameters.arbiterWidth),
                      into: out.appendingPathComponent("arbiter"))

print("""
  {"crossbar_seconds": \(crossbarSeconds), "fifos_seconds": \(fifosSeconds), \
  "tops": {"crossbar": "\(crossbarTop)", "fifo": "\(fifoTop)", "arbiter": "\(arbiterTop)"}}
  """)
