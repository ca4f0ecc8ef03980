import Flash
import Foundation

/// Progress on stderr: a redrawn bar with bytes and rate on a terminal, one plain line per
/// phase otherwise (logs, CI).
final class FlashProgressBar {
  let interactive = isatty(STDERR_FILENO) != 0
  private var phase: FlashProgress.Phase?
  private var phaseStart = Date()
  private var lastDraw = Date.distantPast

  func update(_ p: FlashProgress) {
    if p.phase != phase {
      finishLine()
      phase = p.phase
      phaseStart = Date()
      if !interactive { FileHandle.standardError.write("\(p.phase.rawValue): \(p.total) bytes\n".data(using: .utf8)!) }
    }
    guard interactive else { return }
    let now = Date()
    guard now.timeIntervalSince(lastDraw) > 0.1 || p.done == p.total else { return }
    lastDraw = now
    let fraction = p.total > 0 ? Double(p.done) / Double(p.total) : 1
    let width = 30
    let filled = Int(fraction * Double(width))
    let rate = Double(p.done) / max(now.timeIntervalSince(phaseStart), 0.001)
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let line = String(format: "\r%-8@ [%@] %3.0f%% %@ / %@  %@/s", p.phase.rawValue as NSString, bar as NSString,
                      fraction * 100, Self.bytes(p.done) as NSString, Self.bytes(p.total) as NSString,
                      Self.bytes(Int(rate)) as NSString)
    FileHandle.standardError.write(line.data(using: .utf8)!)
  }

  func finishLine() {
    if interactive && phase != nil { FileHandle.standardError.write("\n".data(using: .utf8)!) }
    phase = nil
  }

  static func bytes(_ n: Int) -> String {
    if n >= 1 << 20 { return String(format: "%.1f MiB", Double(n) / Double(1 << 20)) }
    if n >= 1 << 10 { return String(format: "%.1f KiB", Double(n) / Double(1 << 10)) }
    return "\(n) B"
  }
}
