import HDL

/// A design as a ready-to-build SystemC folder:
///
/// ```
/// rtl/*.v                 the design's Verilog
/// strata_tlm.h            TLM-2.0 adapters (MMIO target, TLP stream in/out, tap, sink)
/// <top>_tlm.h             the SC_MODULE `<top>_tlm` a platform instantiates
/// sc_main.cpp             a sample platform running `script`
/// Makefile                `make` builds obj_dir/bringup with verilator --sc and libsystemc
/// ```
public struct SystemCExport: Sendable {
  public let top: String
  public let plan: SystemCPortPlan
  /// Every file of the folder, by path relative to it, in a fixed order.
  public let files: [(path: String, contents: String)]

  /// Exports `design`, whose clock input is `clock` (period `clockPeriodPicoseconds`) and whose
  /// active-high reset is `reset` when it has one. Fails when a script step names a port the
  /// design does not have as a management port or TLP input.
  public init(_ design: Design, script: BringUpScript, clockPeriodPicoseconds: Int,
              clock: String = "clk", reset: String = "rst") throws {
    let plan = try SystemCPortPlan(ports: design.topPorts, clock: clock, reset: reset)
    for link in script.crossedLinks where !plan.links.contains(link) {
      throw SystemCExportError.unknownLink(link, links: plan.links)
    }
    let linked = script.crossedLinks.map { "\($0)_in" }
    let known = plan.mmio.map(\.prefix) + plan.tlp.filter { $0.direction == .intoDesign && !linked.contains($0.prefix) }.map(\.prefix)
    let boards = script.crossedLinks.isEmpty ? 1 : 2
    for memory in script.hostMemories
    where !plan.links.contains(memory.link) || script.crossedLinks.contains(memory.link) || !(0..<boards).contains(memory.board) {
      throw SystemCExportError.badHostMemory(link: memory.link, board: memory.board, links: plan.links, boards: boards)
    }
    for (index, step) in script.steps.enumerated() {
      // A host memory's board sends nothing into that link itself: the memory does.
      let served = script.hostMemories.filter { $0.board == step.board }.map { "\($0.link)_in" }
      let ports = known.filter { !served.contains($0) }
      if case .expectCompletion(let port, _, _, _) = step.inner {
        // The output must end in a sink of the sample: not crossed, no host memory's.
        let sinks = plan.tlp.filter { $0.direction == .outOfDesign }.map(\.prefix)
          .filter { out in !(script.crossedLinks + script.hostMemories.filter { $0.board == step.board }.map(\.link)).contains { "\($0)_out" == out } }
        if !sinks.contains(port) { throw SystemCExportError.unknownScriptPort(step: index, port: port, known: sinks) }
      } else if let port = step.port, !ports.contains(port) {
        throw SystemCExportError.unknownScriptPort(step: index, port: port, known: ports)
      }
      if step.board >= boards { throw SystemCExportError.unknownScriptBoard(step: index, board: step.board, boards: boards) }
    }
    let verilog = design.verilogFiles()
    let wrapper = WrapperSource(top: design.top, plan: plan)
    top = design.top
    self.plan = plan
    files = verilog.map { (path: "rtl/\($0.name)", contents: $0.contents) } + [
      (path: SupportHeader.name, contents: SupportHeader.text),
      (path: wrapper.fileName, contents: wrapper.text),
      (path: "sc_main.cpp", contents: SampleMainSource(top: design.top, plan: plan, script: script,
                                                       clockPeriodPicoseconds: clockPeriodPicoseconds).text),
      (path: "Makefile", contents: MakefileSource(top: design.top, wrapperFile: wrapper.fileName,
                                                  verilogFiles: verilog.map(\.name)).text),
    ]
  }
}

extension BringUpScript.Step {
  /// The socket a step uses, if any.
  var port: String? {
    switch self {
    case .read(let port, _, _), .write(let port, _, _, _, _), .payload(let port, _, _, _, _, _), .sendTLP(let port, _, _),
         .expectCompletion(let port, _, _, _): return port
    case .idle: return nil
    case .onBoard(_, let step): return step.port
    }
  }

  /// The step without its `onBoard`.
  var inner: BringUpScript.Step { if case .onBoard(_, let step) = self { return step.inner } else { return self } }

  /// The board a step runs on.
  var board: Int { if case .onBoard(let index, _) = self { return index } else { return 0 } }
}
