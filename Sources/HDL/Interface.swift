/// Which side drives an interface member: `forward` members are driven by the producer
/// (the side that owns the interface unflipped), `backward` members by the consumer.
public enum Flow: Sendable { case forward, backward }

/// One signal of an interface.
public struct InterfaceMember {
  public let name: String
  public let signal: Signal
  public let flow: Flow

  public init(_ name: String, _ signal: Signal, _ flow: Flow) {
    self.name = name
    self.signal = signal
    self.flow = flow
  }
}

/// A group of signals with directions, such as a ready/valid stream. A value built with its
/// public initialiser is a template (widths only); `m.port` binds it to module ports named
/// `<port>_<member>`, and `Instance.interface` binds it to a child's pins.
public protocol Interface {
  /// The members in declaration order.
  var members: [InterfaceMember] { get }
  /// The same interface with every member replaced by `bind(member)`.
  func rebound(_ bind: (InterfaceMember) -> Signal) -> Self
}

extension Interface {
  /// The consumer side of this interface: forward members become inputs.
  public var flipped: Flipped<Self> { Flipped(template: self) }
}

/// An interface seen from its consumer side.
public struct Flipped<I: Interface> {
  let template: I
}

/// A member of an interface template: only its width matters until it is bound.
public func templateSignal(width: Int, signed: Bool = false) -> Signal {
  Signal(Node(.template, width: width, signed: signed, owner: nil))
}

extension ModuleBuilder {
  /// The producer side of `template` as ports: forward members are outputs, backward members inputs.
  public func port<I: Interface>(_ name: String, _ template: I, file: StaticString = #fileID, line: UInt = #line) -> I {
    bindPorts(name, template, flipped: false, at: SourceLocation(file: file, line: line))
  }

  /// The consumer side of an interface as ports: forward members are inputs, backward members outputs.
  public func port<I: Interface>(_ name: String, _ flipped: Flipped<I>, file: StaticString = #fileID, line: UInt = #line) -> I {
    bindPorts(name, flipped.template, flipped: true, at: SourceLocation(file: file, line: line))
  }

  private func bindPorts<I: Interface>(_ name: String, _ template: I, flipped: Bool, at location: SourceLocation) -> I {
    interfaces[name] = (template, flipped)
    return template.rebound { member in
      let isOutput = (member.flow == .forward) != flipped
      return port("\(name)_\(member.name)", isOutput ? .output : .input, width: member.signal.width,
                  signed: member.signal.isSigned, at: location)
    }
  }
}

/// Connects a producer to a consumer of the same interface type: each forward member of the
/// consumer is driven by the producer's, each backward member of the producer by the consumer's.
public func connect<I: Interface>(_ producer: I, to consumer: I, file: StaticString = #fileID, line: UInt = #line) -> Statement {
  let location = SourceLocation(file: file, line: line)
  let statements = zip(producer.members, consumer.members).map { p, c in
    p.flow == .forward ? Statement(.assign(target: c.signal.node, value: p.signal.node), location: location)
                       : Statement(.assign(target: p.signal.node, value: c.signal.node), location: location)
  }
  return Statement(.block(statements), location: location)
}
