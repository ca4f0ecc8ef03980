import Board
import Flash

extension FlashTarget {
  /// What the flasher needs from a board description.
  init(board: Board) {
    let cable = board.cable
    let channel: FTDIChannel
    switch cable.interface {
    case .a: channel = .a
    case .b: channel = .b
    case .c: channel = .c
    case .d: channel = .d
    }
    self.init(
      cable: FTDICableConfig(vendorID: cable.vendorID, productID: cable.productID, serial: cable.serial,
                             bus: cable.bus, address: cable.address, channel: channel,
                             chipSelectPin: cable.chipSelect, spiClockHz: cable.spiClockHz),
      jedecID: board.flash.jedecID,
      size: board.flash.size,
      regions: board.flash.regions.map { r in
        let role: FlashRegionSpec.Role
        switch r.role {
        case .boot: role = .boot
        case .slotA: role = .slotA
        case .slotB: role = .slotB
        case .config: role = .config
        case .data: role = .data
        }
        return FlashRegionSpec(name: r.name, offset: r.offset, size: r.size, role: role)
      },
      boardID: board.id)
  }
}
