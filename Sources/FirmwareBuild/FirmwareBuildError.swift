/// Why a firmware build failed: the message names the step and what would fix it.
public enum FirmwareBuildError: Error, Equatable, CustomStringConvertible {
  case unsupportedTriple(String)
  case layout(String)
  case toolMissing(String)
  case stepFailed(step: String, command: String, output: String)
  case badELF(String)

  public var description: String {
    switch self {
    case .unsupportedTriple(let t):
      return "management.triple \(t) has no start-up code; use aarch64-none-none-elf, riscv32-none-none-eabi or armv7em-none-none-eabi (or add firmware/start/<arch>.S)"
    case .layout(let m): return m
    case .toolMissing(let t): return "\(t) not found on PATH or beside swiftc; install the Swift toolchain (it ships clang, ld.lld and llvm-objcopy)"
    case .stepFailed(let step, let command, let output): return "\(step) failed:\n  \(command)\n\(output)"
    case .badELF(let m): return "the linked ELF is not what the build expects: \(m)"
    }
  }
}
