import CLibFTDI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// FTDI channel of a multi-channel chip (MPSSE exists on A and B of the FT2232H).
public enum FTDIChannel: Int, Sendable, CaseIterable {
  case a = 1, b, c, d
  public var letter: String { ["A", "B", "C", "D"][rawValue - 1] }
}

/// How to find and drive the cable. The CLI fills it from the board file.
public struct FTDICableConfig: Sendable, Equatable {
  public var vendorID: UInt16
  public var productID: UInt16
  public var serial: String?
  /// USB bus number and device address, another way to pick one cable among several.
  public var bus: Int?
  public var address: Int?
  public var channel: FTDIChannel
  /// ADBUS pin of the flash CS#: 3 (flashrom/openFPGALoader wiring) or 4 (iceprog).
  public var chipSelectPin: Int
  public var spiClockHz: Int
  /// FTDI latency timer in ms; replies are flushed with send-immediate, so 1 is enough.
  public var latencyTimerMs: UInt8

  public init(vendorID: UInt16 = 0x0403, productID: UInt16 = 0x6010, serial: String? = nil,
              bus: Int? = nil, address: Int? = nil,
              channel: FTDIChannel = .a, chipSelectPin: Int = 3, spiClockHz: Int = 30_000_000,
              latencyTimerMs: UInt8 = 1) {
    self.vendorID = vendorID
    self.productID = productID
    self.serial = serial
    self.bus = bus
    self.address = address
    self.channel = channel
    self.chipSelectPin = chipSelectPin
    self.spiClockHz = spiClockHz
    self.latencyTimerMs = latencyTimerMs
  }
}

/// A device seen on the bus by `--list`.
public struct FTDIDeviceInfo: Sendable, Equatable {
  public var bus: Int
  public var address: Int
  public var manufacturer: String?
  public var description: String?
  public var serial: String?
  /// Why the strings could not be read (usually permissions), if so.
  public var stringsError: String?
}

/// Executes MPSSE command batches. One call = one bulk OUT transfer of the whole batch and
/// the bulk IN transfers that collect its replies (a single USB round trip).
public protocol MPSSEChannel: AnyObject {
  func exchange(_ commands: MPSSECommands) throws(FlashError) -> [UInt8]
  var clockHz: Int { get }
  var pins: SPIPins { get }
  var roundTrips: Int { get }
}

/// The cable, over libftdi1: open, reset, MPSSE mode, sync check, clock and pins.
public final class FTDITransport: MPSSEChannel {
  private var context: UnsafeMutablePointer<ftdi_context>?
  public let config: FTDICableConfig
  public let pins: SPIPins
  public let divisor: UInt16
  public var clockHz: Int { MPSSECommands.clockHz(divisor: divisor) }
  public private(set) var roundTrips = 0
  /// Wall-clock limit for one batch's replies to arrive.
  public var replyTimeoutSeconds: Double = 10

  public init(_ config: FTDICableConfig) throws(FlashError) {
    self.config = config
    self.pins = SPIPins(chipSelect: config.chipSelectPin)
    self.divisor = MPSSECommands.clockDivisor(forHz: config.spiClockHz)
    guard let ctx = ftdi_new() else {
      throw .usb(operation: "ftdi_new", code: -1, message: "out of memory")
    }
    context = ctx
    do {
      try open(ctx)
      try configure(ctx)
    } catch {
      ftdi_usb_close(ctx)
      ftdi_free(ctx)
      context = nil
      throw error
    }
  }

  deinit {
    close()
  }

  /// Leaves MPSSE mode (pins back to inputs) and releases the device.
  public func close() {
    guard let ctx = context else { return }
    ftdi_set_bitmode(ctx, 0, UInt8(BITMODE_RESET.rawValue))
    ftdi_usb_close(ctx)
    ftdi_free(ctx)
    context = nil
  }

  private func check(_ rc: Int32, _ op: String, _ ctx: UnsafeMutablePointer<ftdi_context>) throws(FlashError) {
    guard rc >= 0 else {
      throw .usb(operation: op, code: rc, message: String(cString: ftdi_get_error_string(ctx)))
    }
  }

  private func open(_ ctx: UnsafeMutablePointer<ftdi_context>) throws(FlashError) {
    try check(ftdi_set_interface(ctx, ftdi_interface(UInt32(config.channel.rawValue))), "ftdi_set_interface", ctx)
    var list: UnsafeMutablePointer<ftdi_device_list>?
    let n = ftdi_usb_find_all(ctx, &list, Int32(config.vendorID), Int32(config.productID))
    defer { ftdi_list_free(&list) }
    try check(n, "ftdi_usb_find_all", ctx)
    var node = list
    var denied: FlashError?
    while let entry = node {
      defer { node = entry.pointee.next }
      guard let dev = entry.pointee.dev else { continue }
      if let bus = config.bus, Int(libusb_get_bus_number(dev)) != bus { continue }
      if let address = config.address, Int(libusb_get_device_address(dev)) != address { continue }
      if let wanted = config.serial {
        let strings = Self.strings(ctx, dev)
        if strings.error != nil {
          if let d = Self.accessDenied(dev, config) { denied = d }
          continue
        }
        guard strings.serial == wanted else { continue }
      }
      let rc = ftdi_usb_open_dev(ctx, dev)
      if rc < 0 {
        if let d = Self.accessDenied(dev, config) { throw d }
        throw .usb(operation: "ftdi_usb_open_dev", code: rc, message: String(cString: ftdi_get_error_string(ctx)))
      }
      return
    }
    if let denied { throw denied }
    throw .noDevice(vendorID: config.vendorID, productID: config.productID, serial: config.serial,
                    bus: config.bus, address: config.address)
  }

  /// Opens the device with libusb directly to learn whether the failure was EACCES.
  private static func accessDenied(_ dev: OpaquePointer, _ config: FTDICableConfig) -> FlashError? {
    var handle: OpaquePointer?
    let rc = libusb_open(dev, &handle)
    if rc == LIBUSB_ERROR_ACCESS.rawValue {
      return .permissionDenied(vendorID: config.vendorID, productID: config.productID,
                               bus: Int(libusb_get_bus_number(dev)), address: Int(libusb_get_device_address(dev)))
    }
    if rc == 0, let handle { libusb_close(handle) }
    return nil
  }

  private static func strings(_ ctx: UnsafeMutablePointer<ftdi_context>, _ dev: OpaquePointer)
    -> (manufacturer: String?, description: String?, serial: String?, error: String?)
  {
    var m = [CChar](repeating: 0, count: 256)
    var d = [CChar](repeating: 0, count: 256)
    var s = [CChar](repeating: 0, count: 256)
    let rc = ftdi_usb_get_strings2(ctx, dev, &m, 256, &d, 256, &s, 256)
    if rc < 0 { return (nil, nil, nil, String(cString: ftdi_get_error_string(ctx))) }
    func str(_ a: [CChar]) -> String? {
      let v = String(cString: a)
      return v.isEmpty ? nil : v
    }
    return (str(m), str(d), str(s), nil)
  }

  private func configure(_ ctx: UnsafeMutablePointer<ftdi_context>) throws(FlashError) {
    try check(ftdi_usb_reset(ctx), "ftdi_usb_reset", ctx)
    try check(ftdi_tcioflush(ctx), "ftdi_tcioflush (purge)", ctx)
    try check(ftdi_set_latency_timer(ctx, config.latencyTimerMs), "ftdi_set_latency_timer", ctx)
    try check(ftdi_set_bitmode(ctx, 0, UInt8(BITMODE_RESET.rawValue)), "ftdi_set_bitmode(reset)", ctx)
    try check(ftdi_set_bitmode(ctx, 0, UInt8(BITMODE_MPSSE.rawValue)), "ftdi_set_bitmode(MPSSE)", ctx)
    // Sync: a bad opcode must come back as FA AA (AN_108 4.2, AN_135).
    var sync = MPSSECommands()
    sync.bogusCommand()
    let reply: [UInt8]
    do {
      reply = try exchange(sync)
    } catch {
      throw .mpsseSyncFailed(reply: [])
    }
    guard reply == [MPSSECommands.Opcode.badCommandReply, MPSSECommands.Opcode.bogus] else {
      throw .mpsseSyncFailed(reply: reply)
    }
    var setup = MPSSECommands.spiSetup(pins: pins, divisor: divisor)
    setup.bogusCommand()  // confirm the setup bytes were consumed
    let r2 = try exchange(setup)
    guard r2 == [0xFA, 0xAA] else { throw .mpsseSyncFailed(reply: r2) }
  }

  public func exchange(_ commands: MPSSECommands) throws(FlashError) -> [UInt8] {
    guard let ctx = context else { throw .deviceLost(operation: "transfer on a closed cable") }
    var out = commands.bytes
    let expected = commands.expectedReplyCount
    if expected > 0 { out.append(MPSSECommands.Opcode.sendImmediate) }
    let written = out.withUnsafeBufferPointer { ftdi_write_data(ctx, $0.baseAddress, Int32($0.count)) }
    guard written == Int32(out.count) else {
      throw .deviceLost(operation: "USB write (\(String(cString: ftdi_get_error_string(ctx))))")
    }
    guard expected > 0 else { return [] }
    roundTrips += 1
    var reply = [UInt8](repeating: 0, count: expected)
    var got = 0
    let start = Self.monotonicSeconds()
    while got < expected {
      let n = reply.withUnsafeMutableBufferPointer { buf in
        ftdi_read_data(ctx, buf.baseAddress! + got, Int32(expected - got))
      }
      if n < 0 {
        throw .deviceLost(operation: "USB read (\(String(cString: ftdi_get_error_string(ctx))))")
      }
      got += Int(n)
      if n == 0, Self.monotonicSeconds() - start > replyTimeoutSeconds {
        throw .usb(operation: "reading MPSSE replies", code: -1,
                   message: "got \(got) of \(expected) bytes within \(replyTimeoutSeconds) s")
      }
    }
    return reply
  }

  static func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
  }

  /// Every attached device with the ids, for `--list`.
  public static func listDevices(vendorID: UInt16, productID: UInt16) throws(FlashError) -> [FTDIDeviceInfo] {
    guard let ctx = ftdi_new() else { throw .usb(operation: "ftdi_new", code: -1, message: "out of memory") }
    defer { ftdi_free(ctx) }
    var list: UnsafeMutablePointer<ftdi_device_list>?
    let n = ftdi_usb_find_all(ctx, &list, Int32(vendorID), Int32(productID))
    defer { ftdi_list_free(&list) }
    guard n >= 0 else {
      throw .usb(operation: "ftdi_usb_find_all", code: n, message: String(cString: ftdi_get_error_string(ctx)))
    }
    var out: [FTDIDeviceInfo] = []
    var node = list
    while let entry = node {
      defer { node = entry.pointee.next }
      guard let dev = entry.pointee.dev else { continue }
      let s = strings(ctx, dev)
      var error = s.error
      if error != nil, accessDenied(dev, FTDICableConfig(vendorID: vendorID, productID: productID)) != nil {
        error = "permission denied (see the udev rule in `strata flash --help`)"
      }
      out.append(FTDIDeviceInfo(bus: Int(libusb_get_bus_number(dev)), address: Int(libusb_get_device_address(dev)),
                                manufacturer: s.manufacturer, description: s.description, serial: s.serial,
                                stringsError: error))
    }
    return out
  }
}
