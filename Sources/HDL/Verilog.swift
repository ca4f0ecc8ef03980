/// Verilog naming rules.
enum Verilog {
  static func isValidIdentifier(_ s: String) -> Bool {
    // A leading underscore is left to the emitter's temporaries.
    guard let first = s.unicodeScalars.first, isLetter(first) else { return false }
    return s.unicodeScalars.allSatisfy(isIdentifierCharacter)
  }

  private static func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
  private static func isIdentifierCharacter(_ c: Unicode.Scalar) -> Bool { isLetter(c) || ("0"..."9").contains(c) || c == "_" }

  /// `s` with every character that cannot appear in an identifier replaced by `_`.
  static func identifierPart(_ s: String) -> String {
    String(s.unicodeScalars.map { isIdentifierCharacter($0) ? Character($0) : "_" })
  }

  /// Verilog-2005 and SystemVerilog keywords (a name must work in every tool that reads the output).
  static let reservedWords: Set<String> = [
    "always", "and", "assign", "automatic", "begin", "buf", "bufif0", "bufif1", "case", "casex", "casez", "cell", "cmos",
    "config", "deassign", "default", "defparam", "design", "disable", "edge", "else", "end", "endcase", "endconfig",
    "endfunction", "endgenerate", "endmodule", "endprimitive", "endspecify", "endtable", "endtask", "event", "for",
    "force", "forever", "fork", "function", "generate", "genvar", "highz0", "highz1", "if", "ifnone", "incdir",
    "include", "initial", "inout", "input", "instance", "integer", "join", "large", "liblist", "library", "localparam",
    "macromodule", "medium", "module", "nand", "negedge", "nmos", "nor", "noshowcancelled", "not", "notif0", "notif1",
    "or", "output", "parameter", "pmos", "posedge", "primitive", "pull0", "pull1", "pulldown", "pullup",
    "pulsestyle_onevent", "pulsestyle_ondetect", "rcmos", "real", "realtime", "reg", "release", "repeat", "rnmos",
    "rpmos", "rtran", "rtranif0", "rtranif1", "scalared", "showcancelled", "signed", "small", "specify", "specparam",
    "strong0", "strong1", "supply0", "supply1", "table", "task", "time", "tran", "tranif0", "tranif1", "tri", "tri0",
    "tri1", "triand", "trior", "trireg", "unsigned", "use", "uwire", "vectored", "wait", "wand", "weak0", "weak1",
    "while", "wire", "wor", "xnor", "xor",
    // SystemVerilog, so Verilator and Yosys in SV mode read the output too
    "bit", "byte", "logic", "int", "shortint", "longint", "struct", "union", "enum", "typedef", "class", "interface",
    "modport", "package", "import", "export", "return", "break", "continue", "do", "final", "string", "void", "const",
    "unique", "priority", "property", "sequence", "assert", "assume", "cover", "bind", "chandle", "clocking", "program",
    "rand", "randc", "ref", "static", "virtual", "this", "super", "new", "null", "context", "extern", "inside", "type",
    "before", "after", "first_match", "throughout", "within", "intersect", "expect", "wildcard", "dist", "solve",
    // SystemVerilog's built-in classes: Verilator parses these names as types, not signals
    "mailbox", "semaphore", "process",
  ]
}
