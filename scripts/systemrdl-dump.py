"""Compiles a SystemRDL file with systemrdl-compiler and prints its top addrmap as JSON:
the registers with their offsets and, per field, the bit range and the access properties.
Exits with status 1 (the compiler's messages on stderr) when the file is not valid SystemRDL."""
import json
import sys

from systemrdl import RDLCompileError, RDLCompiler


def value(v):
    """Enum properties (sw, onwrite, ...) by their SystemRDL spelling; others as they are."""
    return v.name if hasattr(v, "name") else v


def encode(enum):
    """A field's named values (its `encode` enum) in declaration order, or None."""
    if enum is None:
        return None
    return [{"name": m.name, "value": m.value, "desc": m.rdl_desc} for m in enum]


def main(path):
    compiler = RDLCompiler()
    try:
        compiler.compile_file(path)
        root = compiler.elaborate()
    except RDLCompileError:
        sys.exit(1)
    top = root.top
    registers = []
    for reg in top.registers():
        fields = []
        for f in reg.fields():
            fields.append({
                "name": f.inst_name, "msb": f.msb, "lsb": f.lsb,
                **{p: value(f.get_property(p)) for p in
                   ["sw", "hw", "we", "onread", "onwrite", "reset", "hwset", "hwclr", "swmod", "swacc", "precedence", "desc"]},
                "encode": encode(f.get_property("encode")),
            })
        registers.append({"name": reg.inst_name, "offset": reg.address_offset, "width": reg.get_property("regwidth"),
                          "desc": reg.get_property("desc"), "fields": fields})
    print(json.dumps({"name": top.inst_name, "registers": registers}))


if __name__ == "__main__":
    main(sys.argv[1])
