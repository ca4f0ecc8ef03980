/// Sizes the first `count` BARs of a function (PCI Local Bus 3.0 §6.2.5.1; Linux
/// __pci_read_base / __pci_size_stdbars): memory and I/O decode are turned off, each BAR is
/// written with all ones and read back, its original value restored, then decode is restored.
func sizeBARs<Access: ConfigurationAccess>(_ bdf: BDF, count: Int, io: ConfigurationIO<Access>)
  throws(EnumerationError) -> [BaseAddressRegister]
{
  let command = try io.read(bdf, ConfigurationRegister.commandAndStatus) & 0xFFFF
  let decode = CommandBit.memorySpace | CommandBit.ioSpace
  try io.write(bdf, ConfigurationRegister.commandAndStatus, command & ~decode, byteEnables: 0b0011)
  var bars: [BaseAddressRegister] = []
  var index = 0
  while index < count {
    let offset = ConfigurationRegister.firstBAR + UInt16(4 * index)
    let low = try sizingRead(bdf, offset, io: io)
    if low.original & 1 == 1 {
      // I/O BAR: address bits 31:2; a BAR whose upper half reads zero decodes 16 bits.
      var mask = low.mask & ~0x3
      if mask & 0xFFFF_0000 == 0 { mask |= 0xFFFF_0000 }
      if low.mask & ~0x3 != 0 {
        bars.append(BaseAddressRegister(index: index, kind: .io, isPrefetchable: false,
                                        size: UInt64(~mask &+ 1)))
      }
      index += 1
      continue
    }
    let type = (low.original >> 1) & 0x3
    let prefetchable = low.original & 0x8 != 0
    if type == 2 && index + 1 < count {
      let high = try sizingRead(bdf, offset + 4, io: io)
      let mask = UInt64(high.mask) << 32 | UInt64(low.mask & ~0xF)
      if mask != 0 {
        bars.append(BaseAddressRegister(index: index, kind: .memory64, isPrefetchable: prefetchable,
                                        size: ~mask &+ 1))
      }
      index += 2
      continue
    }
    let mask = low.mask & ~0xF
    if mask != 0 && type != 3 {
      bars.append(BaseAddressRegister(index: index, kind: .memory32, isPrefetchable: prefetchable,
                                      size: UInt64(~mask &+ 1)))
    }
    index += 1
  }
  try io.write(bdf, ConfigurationRegister.commandAndStatus, command, byteEnables: 0b0011)
  return bars
}

/// One BAR dword: its original value and what it reads after all ones were written.
private func sizingRead<Access: ConfigurationAccess>(_ bdf: BDF, _ offset: UInt16, io: ConfigurationIO<Access>)
  throws(EnumerationError) -> (original: UInt32, mask: UInt32)
{
  let original = try io.read(bdf, offset)
  try io.write(bdf, offset, 0xFFFF_FFFF)
  let mask = try io.read(bdf, offset)
  try io.write(bdf, offset, original)
  return (original, mask)
}
