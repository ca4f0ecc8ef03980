import HDL
import PCIe

/// The link between downstream port `port` of a `pcieSwitch` instance and a `pcieEndpoint`
/// instance, as a data link layer would make it: TLPs both ways, and flow control — one InitFC
/// of each side's advertisement in the first cycle after reset, then an UpdateFC of each side's
/// CREDITS_ALLOCATED every cycle (§2.6.1: a receiver may send UpdateFC as often as it likes).
/// The link status inputs of the switch's bridge read "x4 at `speed`, link up": the link is up
/// from reset and never goes down, so its one DL_Up is the first cycle and that InitFC is the
/// one flow control needs after each link-up (§2.6.1). A link that can go down is made by the
/// board's own ports (`link<k>_active`), whose partners initialise again after each link-up.
@StatementBuilder
public func connectLink(_ m: ModuleBuilder, switch sw: Instance, port: Int, to endpoint: Instance, speed: Int = 3, width: Int = 4) -> [Statement] {
  // Named after the switch instance too: a module may hold several switches.
  let started = m.register("\(sw.name)_link\(port)_started")
  started <== true
  connect(sw.interface("link\(port)_out", as: TLPStream.self), to: endpoint.interface("link_in", as: TLPStream.self))
  connect(endpoint.interface("link_out", as: TLPStream.self), to: sw.interface("link\(port)_in", as: TLPStream.self))
  sw["link\(port)_fc_initialize"] <== !started
  sw["link\(port)_fc_update"] <== started
  endpoint["link_fc_initialize"] <== !started
  endpoint["link_fc_update"] <== started
  for name in creditPortNames {
    sw["link\(port)_fc_\(name)_advertised"] <== endpoint["link_rx_fc_\(name)_advertised"]
    sw["link\(port)_fc_\(name)_limit"] <== endpoint["link_rx_fc_\(name)_allocated"]
    endpoint["link_fc_\(name)_advertised"] <== sw["link\(port)_rx_fc_\(name)_advertised"]
    endpoint["link_fc_\(name)_limit"] <== sw["link\(port)_rx_fc_\(name)_allocated"]
  }
  sw["link\(port)_speed"] <== Signal.constant(speed, width: 4)
  sw["link\(port)_width"] <== Signal.constant(width, width: 6)
  sw["link\(port)_active"] <== Signal.high
}
