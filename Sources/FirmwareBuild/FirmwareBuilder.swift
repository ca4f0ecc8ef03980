import Flash
import Foundation

/// What a firmware build produced.
public struct FirmwareArtifacts: Sendable {
  public var elf: URL
  /// The loadable bytes from the load address (`llvm-objcopy -O binary`).
  public var raw: URL
  /// firmware.img, the raw image behind a `STIM` header: what `strata flash` writes.
  public var image: URL
  public var linkerScript: URL
  public var elfFile: ELFFile
  public var header: ImageHeader

  /// "text data bss" as `size` prints them, less the cluster region (reserved, not the image's),
  /// which is reported beside them, and the RAM they leave.
  public func sizeReport(ramSize: UInt64, stackSize: UInt64) -> String {
    let s = elfFile.sizes
    let region = elfFile.sections.first { $0.name == FirmwareLayout.clusterSectionName }?.size ?? 0
    let bss = s.bss - region
    let used = s.text + s.data + bss
    let heap = ramSize > used + region + stackSize ? ramSize - used - region - stackSize : 0
    return """
      text \(s.text)  data \(s.data)  bss \(bss)  (\(used) of \(ramSize) bytes of RAM; cluster region \(region), stack \(stackSize), heap \(heap))
      """
  }
}

/// Builds the bare-metal image: the Firmware sources and firmware/Sources compiled together
/// by swiftc in Embedded mode (one module, whole-module), start-up code and the C run-time
/// by clang, linked by ld.lld with a linker script generated from the board, then the raw
/// image (llvm-objcopy) and the flash image (`STIM` header, Sources/Flash/ImageHeader.swift).
public struct FirmwareBuilder {
  public let layout: FirmwareLayout
  /// The checkout: Sources/Firmware and firmware/ are read from here.
  public let root: URL
  public let output: URL

  public init(layout: FirmwareLayout, root: URL, output: URL) {
    self.layout = layout
    self.root = root
    self.output = output
  }

  public func build(log: (String) -> Void = { _ in }) throws(FirmwareBuildError) -> FirmwareArtifacts {
    let arch = FirmwareLayout.architecture(of: layout.triple)!
    let fm = FileManager.default
    do { try fm.createDirectory(at: output, withIntermediateDirectories: true) } catch {
      throw .layout("cannot create \(output.path): \(error.localizedDescription)")
    }
    let script = output.appendingPathComponent("link.ld")
    let constants = output.appendingPathComponent("BoardLayout.swift")
    try write(linkerScript(for: layout), to: script)
    try write(boardLayoutSource(for: layout), to: constants)

    let swiftc = try tool("swiftc")
    let clang = try tool("clang")
    let lld = try tool("ld.lld")
    let objcopy = try tool("llvm-objcopy")
    let firmware = root.appendingPathComponent("firmware")
    let sources = swiftFiles(in: root.appendingPathComponent("Sources/Firmware"))
      + swiftFiles(in: firmware.appendingPathComponent("Sources")) + [constants.path]

    let swiftObject = output.appendingPathComponent("firmware.o").path
    log("swiftc (Embedded, \(layout.triple), \(sources.count) files)")
    try run("compile the Swift sources", swiftc, [
      "-target", layout.triple, "-enable-experimental-feature", "Embedded", "-wmo", "-parse-as-library",
      "-module-name", "Firmware", "-Osize", "-Xfrontend", "-disable-stack-protector",
      "-Xfrontend", "-function-sections", "-c", "-o", swiftObject,
    ] + sources)

    var objects = [swiftObject]
    var assembly = [firmware.appendingPathComponent("start/\(arch).S")]
    if arch == "armv7em" { assembly.append(firmware.appendingPathComponent("start/arm-aeabi-divmod.S")) }
    for file in assembly {
      let object = output.appendingPathComponent(file.deletingPathExtension().lastPathComponent + ".o").path
      try run("assemble \(file.lastPathComponent)", clang, ["-target", layout.triple, "-c", file.path, "-o", object])
      objects.append(object)
    }
    var cFiles = ["runtime.c"]
    if layout.is32Bit { cFiles.append("builtins32.c") }
    for name in cFiles {
      let object = output.appendingPathComponent(name.replacingOccurrences(of: ".c", with: ".o")).path
      try run("compile \(name)", clang, [
        "-target", layout.triple, "-ffreestanding", "-fno-builtin", "-fno-stack-protector", "-O2",
        "-ffunction-sections", "-Wall", "-Werror", "-c", firmware.appendingPathComponent(name).path, "-o", object,
      ])
      objects.append(object)
    }

    let elf = output.appendingPathComponent("firmware.elf")
    log("ld.lld -T link.ld")
    try run("link", lld, ["-T", script.path, "--gc-sections", "-o", elf.path] + objects)
    let raw = output.appendingPathComponent("firmware.bin")
    try run("extract the raw image", objcopy, ["-O", "binary", elf.path, raw.path])

    let elfFile: ELFFile
    let body: [UInt8]
    do {
      elfFile = try ELFFile(Array(try Data(contentsOf: elf)))
      body = Array(try Data(contentsOf: raw))
    } catch let e as FirmwareBuildError {
      throw e
    } catch {
      throw .badELF(error.localizedDescription)
    }
    guard let start = elfFile.sections.filter({ $0.isAllocated && !$0.hasNoBits && $0.size > 0 }).map(\.address).min(),
          start == layout.ramBase
    else {
      throw .badELF("the image does not start at RAM base \(hex(layout.ramBase))")
    }
    let header = ImageHeader(boardID: layout.boardID, body: body, loadAddress: start, entryPoint: elfFile.entry)
    let image = output.appendingPathComponent("firmware.img")
    do { try Data(FirmwareImage(header: header, body: body).fileBytes).write(to: image) } catch {
      throw .layout("cannot write \(image.path): \(error.localizedDescription)")
    }
    return FirmwareArtifacts(elf: elf, raw: raw, image: image, linkerScript: script, elfFile: elfFile, header: header)
  }

  private func write(_ text: String, to url: URL) throws(FirmwareBuildError) {
    do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
      throw .layout("cannot write \(url.path): \(error.localizedDescription)")
    }
  }

  private func swiftFiles(in folder: URL) -> [String] {
    let names = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
    return names.filter { $0.hasSuffix(".swift") }.sorted().map { folder.appendingPathComponent($0).path }
  }

  /// A tool on PATH, else beside swiftc (the toolchain's bin folder).
  private func tool(_ name: String) throws(FirmwareBuildError) -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
    var folders = path.split(separator: ":").map(String.init)
    if let swiftc = folders.map({ $0 + "/swiftc" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
      folders.append(URL(fileURLWithPath: swiftc).resolvingSymlinksInPath().deletingLastPathComponent().path)
    }
    for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + name) {
      return folder + "/" + name
    }
    throw .toolMissing(name)
  }

  private func run(_ step: String, _ executable: String, _ arguments: [String]) throws(FirmwareBuildError) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    let command = ([executable] + arguments).joined(separator: " ")
    do { try process.run() } catch {
      throw .stepFailed(step: step, command: command, output: error.localizedDescription)
    }
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0, !output.contains("warning:") else {
      throw .stepFailed(step: step, command: command, output: output)
    }
  }
}
