extension Design {
  /// The hierarchical path of every instance below the top module, dotted as in Verilog
  /// (`queue0`, `queue0.slots_ram`), parents before their children. Simulators and waveforms
  /// name scopes this way, so tools can check a scope name before asking for it.
  public var instancePaths: [String] {
    var paths: [String] = []
    func visit(_ module: ModuleBuilder, prefix: String) {
      for instance in module.instances {
        let path = prefix + instance.name
        paths.append(path)
        visit(instance.module, prefix: path + ".")
      }
    }
    if let top = modules.last { visit(top, prefix: "") }
    return paths
  }
}
