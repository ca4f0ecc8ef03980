import Cores
import HDL

/// The link between downstream port `port` of switch `parent` and the upstream port (0) of
/// switch `child`, made as `connectLink` makes a switch-to-endpoint link: TLPs both ways, one
/// InitFC of each side's advertisement after reset, then an UpdateFC every cycle, and both
/// bridges' link status "x4 at 8 GT/s, up" (from reset and for good: the first cycle is the one
/// link-up that needs an InitFC, §2.6.1). The child's management port is idle: only the
/// root switch's engine issues configuration requests.
@StatementBuilder
func connectSwitches(_ m: ModuleBuilder, parent: Instance, port: Int, child: Instance) -> [Statement] {
  let started = m.register("\(child.name)_link_started")
  started <== true
  connect(parent.interface("link\(port)_out", as: TLPStream.self), to: child.interface("link0_in", as: TLPStream.self))
  connect(child.interface("link0_out", as: TLPStream.self), to: parent.interface("link\(port)_in", as: TLPStream.self))
  for (near, nearPort, far, farPort) in [(parent, port, child, 0), (child, 0, parent, port)] {
    near["link\(nearPort)_fc_initialize"] <== !started
    near["link\(nearPort)_fc_update"] <== started
    for name in ["ph", "pd", "nph", "npd", "cplh", "cpld"] {
      near["link\(nearPort)_fc_\(name)_advertised"] <== far["link\(farPort)_rx_fc_\(name)_advertised"]
      near["link\(nearPort)_fc_\(name)_limit"] <== far["link\(farPort)_rx_fc_\(name)_allocated"]
    }
    near["link\(nearPort)_speed"] <== Signal.constant(3, width: 4)
    near["link\(nearPort)_width"] <== Signal.constant(4, width: 6)
    near["link\(nearPort)_active"] <== Signal.high
  }
  idleManagementPort(child)
}

/// A switch port with no link partner: nothing arrives, whatever leaves is taken and lost (a
/// link that is down discards it), and the partner's credits read infinite (InitFC of 0 in the
/// first cycle, the one link-up of an active port; a port whose link is down ignores it and
/// discards what is queued for it without credits) so that nothing waits at the egress.
/// `active` is the bridge's Data Link Layer Link Active: an empty slot's link is down, so the switch answers a configuration request for it with
/// Unsupported Request itself (§2.9.1).
@StatementBuilder
func unconnectedPort(_ m: ModuleBuilder, switch sw: Instance, port: Int, active: Bool) -> [Statement] {
  let started = m.register("\(sw.name)_port\(port)_started")
  started <== true
  for name in ["valid", "start", "end"] { sw["link\(port)_in_\(name)"] <== false }
  sw["link\(port)_in_header"] <== Signal.zero(width: TLPStream.headerWidth)
  sw["link\(port)_in_data"] <== Signal.zero(width: sw["link\(port)_in_data"].width)
  sw["link\(port)_in_strobe"] <== Signal.zero(width: sw["link\(port)_in_strobe"].width)
  sw["link\(port)_out_ready"] <== true
  sw["link\(port)_fc_initialize"] <== !started
  sw["link\(port)_fc_update"] <== false
  for name in ["ph", "pd", "nph", "npd", "cplh", "cpld"] {
    let advertised = sw["link\(port)_fc_\(name)_advertised"]
    advertised <== Signal.zero(width: advertised.width)
    let limit = sw["link\(port)_fc_\(name)_limit"]
    limit <== Signal.zero(width: limit.width)
  }
  sw["link\(port)_speed"] <== Signal.constant(active ? 3 : 0, width: 4)
  sw["link\(port)_width"] <== Signal.constant(active ? 4 : 0, width: 6)
  sw["link\(port)_active"] <== (active ? Signal.high : Signal.low)
}

/// A management port nobody drives.
@StatementBuilder
func idleManagementPort(_ sw: Instance) -> [Statement] {
  for name in ["valid", "write"] { sw["mgmt_\(name)"] <== false }
  sw["mgmt_address"] <== Signal.zero(width: SwitchManagementMap.addressWidth)
  sw["mgmt_wdata"] <== Signal.zero(width: 32)
  sw["mgmt_strobe"] <== Signal.zero(width: 4)
}
