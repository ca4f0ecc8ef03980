/// What can go wrong reading or rendering a waveform, each saying where and what would fix it.
public enum WaveError: Error, CustomStringConvertible, Equatable {
  case cannotOpen(path: String, reason: String)
  case unsupportedFormat(path: String)
  case malformed(path: String, line: Int, message: String)
  case unknownSignal(String, nearest: [String])
  case ambiguousSignal(String, candidates: [String])
  case unknownScope(String, known: [String])
  case converterMissing(tool: String, package: String)
  case converterFailed(tool: String, status: Int32, output: String)
  case emptyWindow(from: UInt64, to: UInt64)
  case noClock(String)
  case tooManySignals(Int, limit: Int)

  public var description: String {
    switch self {
    case let .cannotOpen(path, reason):
      return "\(path): cannot open: \(reason)"
    case let .unsupportedFormat(path):
      return "\(path): not a VCD or FST file (expected a name ending in .vcd or .fst)"
    case let .malformed(path, line, message):
      return "\(path):\(line): \(message)"
    case let .unknownSignal(name, nearest):
      let hint = nearest.isEmpty ? "run with --list to see the signals" : "did you mean \(nearest.joined(separator: ", "))?"
      return "no signal named '\(name)' in the waveform; \(hint)"
    case let .ambiguousSignal(name, candidates):
      return "'\(name)' names several signals (\(candidates.joined(separator: ", "))); give the full dotted path"
    case let .unknownScope(name, known):
      return "no scope named '\(name)'; the scopes are: \(known.joined(separator: ", "))"
    case let .converterMissing(tool, package):
      return "\(tool) not found: install Debian's \(package) package (scripts/setup does)"
    case let .converterFailed(tool, status, output):
      return "\(tool) failed with status \(status): \(output)"
    case let .emptyWindow(from, to):
      return "empty time window \(from)..\(to): --to must be after --from"
    case let .noClock(message):
      return message
    case let .tooManySignals(count, limit):
      return "\(count) signals are more than one picture shows (\(limit)); choose some with --signals or a --scope (see --list)"
    }
  }
}
