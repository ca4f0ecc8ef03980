/// The six kinds of flow-control credit (PCIe Base Specification 6.3, §2.6.1, Table 2-48).
public enum CreditType: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
  case postedHeader, postedData, nonPostedHeader, nonPostedData, completionHeader, completionData

  /// Header credits count TLPs; data credits count 4-DW units of payload.
  public var isHeader: Bool { rawValue % 2 == 0 }
  /// [Field Size] without Scaled Flow Control (Table 2-51): 8 bits for headers, 12 for data.
  public var fieldSize: Int { isHeader ? 8 : 12 }
  /// The most unused credits a receiver may advertise without Scaled Flow Control (§2.6.1): 127 and 2047.
  public var maximumOutstanding: Int { isHeader ? 127 : 2047 }

  public var description: String { ["PH", "PD", "NPH", "NPD", "CplH", "CplD"][rawValue] }

  /// The header and data credit types of a flow-control class.
  public static func of(_ flowClass: FlowControlClass) -> (header: CreditType, data: CreditType) {
    switch flowClass {
    case .posted: return (.postedHeader, .postedData)
    case .nonPosted: return (.nonPostedHeader, .nonPostedData)
    case .completion: return (.completionHeader, .completionData)
    }
  }
}

extension TLP {
  /// The credits this TLP consumes (Table 2-49): one header unit of its class and
  /// Roundup(Length / 4) data units when it carries data.
  public var creditsRequired: [CreditType: Int] {
    let types = CreditType.of(kind.flowControlClass)
    var need = [types.header: 1]
    if kind.hasData { need[types.data] = (length + 3) / 4 }
    return need
  }
}

/// The transmitter's gate for one credit type (§2.6.1.1): CREDITS_CONSUMED and CREDIT_LIMIT
/// modulo 2^[Field Size], and Equation 2-13, which lets a TLP through when
/// (CREDIT_LIMIT − (CREDITS_CONSUMED + required)) mod 2^[Field Size] ≤ 2^[Field Size] / 2.
public struct CreditGate: Hashable, Sendable {
  public let type: CreditType
  /// nil when the receiver advertised infinite credits (an initial value of 0).
  public private(set) var creditLimit: Int?
  public private(set) var creditsConsumed = 0

  private var modulus: Int { 1 << type.fieldSize }

  /// A gate after initialization with the receiver's advertised value; 0 means infinite.
  public init(type: CreditType, advertised: Int) {
    self.type = type
    creditLimit = advertised == 0 ? nil : advertised % (1 << type.fieldSize)
  }

  /// Whether `units` more credits may be consumed now.
  public func permits(_ units: Int) -> Bool {
    guard let creditLimit else { return true }
    let cumulative = (creditsConsumed + units) % modulus
    return (creditLimit - cumulative + modulus) % modulus <= modulus / 2
  }

  public mutating func consume(_ units: Int) { creditsConsumed = (creditsConsumed + units) % modulus }

  /// An UpdateFC: the receiver's new CREDITS_ALLOCATED. Ignored while credits are infinite.
  public mutating func update(limit: Int) {
    if creditLimit != nil { creditLimit = limit % modulus }
  }
}

/// The receiver's side for one credit type (§2.6.1.2): CREDITS_ALLOCATED modulo
/// 2^[Field Size], advanced as buffer space is freed, and CREDITS_RECEIVED for the overflow check.
public struct CreditPool: Hashable, Sendable {
  public let type: CreditType
  /// Buffer space in units; 0 advertises infinite credits.
  public let capacity: Int
  public private(set) var creditsAllocated: Int
  public private(set) var creditsReceived = 0
  /// Units received and not yet freed.
  public private(set) var occupied = 0

  /// A pool of `capacity` units; refuses more than the 127 header / 2047 data credits a
  /// receiver without Scaled Flow Control may advertise.
  public init(type: CreditType, capacity: Int) throws(FlowControlError) {
    guard (0...type.maximumOutstanding).contains(capacity) else {
      throw FlowControlError(type: type, "capacity \(capacity) is more than the \(type.maximumOutstanding) credits a receiver without Scaled Flow Control may advertise (§2.6.1); use 0 for infinite or at most \(type.maximumOutstanding)")
    }
    self.type = type
    self.capacity = capacity
    self.creditsAllocated = capacity % (1 << type.fieldSize)
  }

  /// The value of InitFC/UpdateFC DLLPs: CREDITS_ALLOCATED (0 for infinite).
  public var advertised: Int { creditsAllocated }

  /// A TLP's `units` arrive; throws when they exceed what was advertised (a Flow Control
  /// Protocol Error, §2.6.1.2).
  public mutating func receive(_ units: Int) throws(FlowControlError) {
    guard capacity == 0 || occupied + units <= capacity else {
      throw FlowControlError(type: type, "\(units) units arrived with \(occupied) of \(capacity) in use: the transmitter overran the credits it was given")
    }
    occupied += units
    creditsReceived = (creditsReceived + units) % (1 << type.fieldSize)
  }

  /// `units` of buffer space are free again and return to the transmitter as credits.
  public mutating func release(_ units: Int) {
    precondition(units <= occupied, "releasing \(units) \(type) units with only \(occupied) in use")
    occupied -= units
    if capacity != 0 { creditsAllocated = (creditsAllocated + units) % (1 << type.fieldSize) }
  }
}

/// A flow-control rule broken: the credit type and what went wrong.
public struct FlowControlError: Error, Hashable, Sendable, CustomStringConvertible {
  public let type: CreditType
  public let problem: String
  public init(type: CreditType, _ problem: String) {
    self.type = type
    self.problem = problem
  }
  public var description: String { "\(type) credits: \(problem)" }
}
