extension BoardDecoder {
  static func cable(_ value: YAMLValue) -> FTDICable? {
    guard let fields = value.fields(BoardSchema.cable) else { return nil }
    let vendorID = fields["vendor_id"]?.unsigned(bits: 16)
    let productID = fields["product_id"]?.unsigned(bits: 16)
    // An optional value that is present but unreadable has been reported, which refuses the file.
    let serial = fields.optional("serial")?.string()
    let (bus, address) = Self.usbPosition(fields)
    let interface = fields["interface"].flatMap(Self.mpsseInterface)
    let chipSelect = fields["chip_select"]?.integer(oneOf: [3, 4])
    let spiClock = fields["spi_clock_hz"].flatMap(Self.spiClock)
    guard let vendorID, let productID, let interface, let chipSelect, let spiClock else { return nil }
    return FTDICable(
      vendorID: UInt16(vendorID), productID: UInt16(productID), serial: serial, bus: bus, address: address,
      interface: interface, chipSelect: chipSelect, spiClockHz: spiClock)
  }

  /// Channels C and D exist (FT4232H) but have no MPSSE engine, so they cannot drive SPI.
  static func mpsseInterface(_ value: YAMLValue) -> FTDIInterface? {
    guard let letter = value.choice(FTDIInterface.allCases.map(\.rawValue)),
      let interface = FTDIInterface(rawValue: letter)
    else { return nil }
    guard interface.hasMPSSE else {
      return value.outOfRange(
        expected: "A or B", hint: "only channels A and B of an FT2232H or FT4232H have the MPSSE engine that SPI needs")
    }
    return interface
  }

  /// Refused unless a divisor gives it exactly, so the file says the clock the flash will see.
  static func spiClock(_ value: YAMLValue) -> Int? {
    guard let hz = value.integer(in: 1...FTDICable.spiClock(divisor: 0)) else { return nil }
    guard FTDICable.clockDivisor(forExactly: hz) == nil else { return hz }
    let nearest = FTDICable.nearestClocks(to: hz)
    let choices = [nearest.below, nearest.above].compactMap { $0 }.map(String.init)
    return value.outOfRange(
      expected: "an SPI clock the FTDI MPSSE can make, 60 MHz / (2 × (divisor + 1))",
      hint: "the nearest are \(YAMLValue.list(choices)) Hz")
  }

  /// Bus and address pick a cable together; one without the other is a mistake.
  static func usbPosition(_ fields: Fields) -> (bus: Int?, address: Int?) {
    let bus = fields.optional("bus"), address = fields.optional("address")
    let advice = "give both to pick the cable by its USB position, or neither"
    switch (bus, address) {
    case (let bus?, nil): bus.report("given without cable.address; \(advice)")
    case (nil, let address?): address.report("given without cable.bus; \(advice)")
    default: break
    }
    return (bus?.integer(in: 1...255), address?.integer(in: 1...127))
  }
}
