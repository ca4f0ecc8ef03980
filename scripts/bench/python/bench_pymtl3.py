"""The elaboration benchmark's designs in PyMTL3 3.1, translated to Verilog and timed.

Usage: python bench_pymtl3.py OUT_DIR FIFO_COUNT

Writes the same files as bench_amaranth.py (crossbar/, fifos/ with one file per FIFO, fifo/,
arbiter/, and crossbar-yosys/, fifo-yosys/ and arbiter-yosys/ for Yosys) and prints the same
JSON object.

The designs follow Strata's `Cores` (Sources/Cores) port for port and cycle for cycle:
- `Fifo` is the standard library's `pymtl3.stdlib.stream.queues.NormalQueueRTL` (first word
  falls through, with `count`) with Strata's full/empty and almost-full/empty flags around it.
- `PacketArbiter` holds the grant until `last` like Strata's `roundRobinArbiter`; the choice of
  the next owner is the standard library's `RoundRobinArbiterEn` (first request after the last
  grant, requester 0 first after reset).
"""

import json
import os
import sys
import time

from pymtl3 import Component, InPort, Interface, OutPort, Wire, clog2, mk_bits, update, update_ff
from pymtl3.passes.backends.verilog import VerilogTranslationPass
from pymtl3.passes.backends.yosys import YosysTranslationPass
from pymtl3.stdlib.basic_rtl.arbiters import RoundRobinArbiterEn
from pymtl3.stdlib.stream.ifcs import RecvIfcRTL, SendIfcRTL
from pymtl3.stdlib.stream.queues import NormalQueueRTL

from family import CROSSBAR_PORTS, CROSSBAR_WIDTH, ARBITER_WIDTH, FIFO_DEPTH, FIFO_WIDTH, fifo_parameters


class Fifo(Component):
    """NormalQueueRTL with Strata's flags: almost_full is count >= depth - 1, almost_empty count <= 1."""

    def construct(s, Type, depth):
        s.recv = RecvIfcRTL(Type)
        s.send = SendIfcRTL(Type)
        s.count = OutPort(clog2(depth + 1))
        s.full = OutPort()
        s.empty = OutPort()
        s.almost_full = OutPort()
        s.almost_empty = OutPort()

        s.queue = NormalQueueRTL(Type, depth)
        s.queue.recv //= s.recv
        s.queue.send //= s.send
        s.queue.count //= s.count
        s.full //= lambda: s.count == depth
        s.empty //= lambda: s.count == 0
        s.almost_full //= lambda: s.count >= depth - 1
        s.almost_empty //= lambda: s.count <= 1


class PacketRecvIfc(Interface):
    def construct(s, Type):
        s.val = InPort()
        s.rdy = OutPort()
        s.msg = InPort(Type)
        s.last = InPort()


class PacketSendIfc(Interface):
    def construct(s, Type):
        s.val = OutPort()
        s.rdy = InPort()
        s.msg = OutPort(Type)
        s.last = OutPort()


class PacketArbiter(Component):
    """Merges `nreqs` packet streams into one, a whole packet at a time, round-robin."""

    def construct(s, nreqs, Type):
        IndexType = mk_bits(clog2(nreqs))
        s.recv = [PacketRecvIfc(Type) for _ in range(nreqs)]
        s.send = PacketSendIfc(Type)
        s.grant = OutPort(nreqs)
        s.grant_index = OutPort(IndexType)

        s.requests = Wire(nreqs)
        s.holding = Wire()
        s.owner = Wire(nreqs)  # one-hot
        s.ends = Wire()
        s.chooser = RoundRobinArbiterEn(nreqs)
        s.chooser.reqs //= s.requests
        # The chooser's priority moves past a new grant only when the grant is taken.
        s.chooser.en //= lambda: ~s.holding

        for i in range(nreqs):
            s.requests[i] //= s.recv[i].val

        @update
        def route():
            if s.holding:
                s.grant @= s.owner
            else:
                s.grant @= s.chooser.grants
            s.send.val @= 0
            s.send.msg @= 0
            s.send.last @= 0
            s.grant_index @= 0
            for i in range(nreqs):
                s.recv[i].rdy @= s.grant[i] & s.send.rdy
                if s.grant[i]:
                    s.send.val @= s.recv[i].val
                    s.send.msg @= s.recv[i].msg
                    s.send.last @= s.recv[i].last
                    s.grant_index @= IndexType(i)
            s.ends @= s.send.val & s.send.rdy & s.send.last

        @update_ff
        def hold():
            if s.reset:
                s.holding <<= 0
                s.owner <<= 0
            elif ~s.holding & (s.requests != 0):
                s.owner <<= s.chooser.grants
                s.holding <<= ~s.ends
            elif s.ends:
                s.holding <<= 0


class Crossbar(Component):
    """`nports` input packet streams, each with a destination held for the whole packet, routed
    to `nports` output packet streams through one round-robin packet arbiter per output."""

    def construct(s, nports, Type):
        s.recv = [PacketRecvIfc(Type) for _ in range(nports)]
        s.dest = [InPort(clog2(nports)) for _ in range(nports)]
        s.send = [PacketSendIfc(Type) for _ in range(nports)]
        s.arbiters = [PacketArbiter(nports, Type) for _ in range(nports)]
        for j in range(nports):
            s.arbiters[j].send //= s.send[j]
            for i in range(nports):
                s.arbiters[j].recv[i].msg //= s.recv[i].msg
                s.arbiters[j].recv[i].last //= s.recv[i].last

        @update
        def route():
            for i in range(nports):
                s.recv[i].rdy @= 0
                for j in range(nports):
                    s.arbiters[j].recv[i].val @= s.recv[i].val & (s.dest[i] == j)
                    if s.dest[i] == j:
                        s.recv[i].rdy @= s.arbiters[j].recv[i].rdy


def translate(component, out_dir, name, backend=VerilogTranslationPass):
    """Elaborates `component` and writes its Verilog as OUT_DIR/<name>.v.

    `VerilogTranslationPass` writes SystemVerilog (unpacked array ports) that Verilator reads;
    `YosysTranslationPass` is PyMTL3's own flattening of it for Yosys, which cannot read those ports.
    """
    os.makedirs(out_dir, exist_ok=True)
    here = os.getcwd()
    os.chdir(out_dir)
    try:
        component.set_metadata(backend.explicit_module_name, name)
        component.set_metadata(backend.explicit_file_name, f"{name}.v")
        component.elaborate()
        component.set_metadata(backend.enable, True)
        component.apply(backend())
    finally:
        os.chdir(here)


def main():
    out_dir, fifo_count = sys.argv[1], int(sys.argv[2])

    start, start_cpu = time.perf_counter(), time.process_time()
    translate(Crossbar(CROSSBAR_PORTS, mk_bits(CROSSBAR_WIDTH)), f"{out_dir}/crossbar", "crossbar")
    crossbar_seconds, crossbar_cpu = time.perf_counter() - start, time.process_time() - start_cpu

    start, start_cpu = time.perf_counter(), time.process_time()
    names = []
    for depth, width in fifo_parameters(fifo_count):
        names.append(f"fifo_depth{depth}_width{width}")
        translate(Fifo(mk_bits(width), depth), f"{out_dir}/fifos", names[-1])
    fifos_seconds, fifos_cpu = time.perf_counter() - start, time.process_time() - start_cpu

    translate(Fifo(mk_bits(FIFO_WIDTH), FIFO_DEPTH), f"{out_dir}/fifo", "fifo")
    translate(PacketArbiter(16, mk_bits(ARBITER_WIDTH)), f"{out_dir}/arbiter", "arbiter")
    translate(Crossbar(CROSSBAR_PORTS, mk_bits(CROSSBAR_WIDTH)), f"{out_dir}/crossbar-yosys", "crossbar", YosysTranslationPass)
    translate(Fifo(mk_bits(FIFO_WIDTH), FIFO_DEPTH), f"{out_dir}/fifo-yosys", "fifo", YosysTranslationPass)
    translate(PacketArbiter(16, mk_bits(ARBITER_WIDTH)), f"{out_dir}/arbiter-yosys", "arbiter", YosysTranslationPass)

    print(json.dumps({"crossbar_seconds": crossbar_seconds, "fifos_seconds": fifos_seconds,
                      "crossbar_cpu_seconds": crossbar_cpu, "fifos_cpu_seconds": fifos_cpu,
                      "tops": {"crossbar": "crossbar", "fifo": "fifo", "arbiter": "arbiter"}, "family": names}))


if __name__ == "__main__":
    main()
