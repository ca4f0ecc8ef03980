"""Checks that the benchmark compares like with like: the 16-way packet arbiter, the 16x64
FIFO and the 16x16 crossbar of Strata, Amaranth and PyMTL3 must give the same outputs, cycle for cycle, under Icarus
Verilog with the same protocol-abiding random stimulus. Cell counts of designs that behave
differently would mean nothing, so scripts/bench/elaborate stops when this fails.

Each design is simulated as Yosys reads it (`proc` then `write_verilog`), the form whose cells
the benchmark counts; this also turns PyMTL3's SystemVerilog, which Icarus 11 misreads
(its `always_comb` loops come out as x), into plain Verilog.

Usage: python3 equivalence.py OUT_DIR CYCLES
OUT_DIR is the folder scripts/bench/elaborate fills (<framework>/{fifo,arbiter}, <framework>.json).
Standard library only; needs iverilog and vvp.
"""

import json
import os
import subprocess
import sys
import tempfile

REQUESTERS = 16
BEAT_WIDTH = 8
FIFO_WIDTH = 64
PORTS = 16
CROSSBAR_WIDTH = 256


def split_indexed(port, prefix):
    """("3", "valid") for `in3_valid` with prefix "in", else None."""
    if port.startswith(prefix) and port[len(prefix):len(prefix) + 1].isdigit():
        index, member = port[len(prefix):].split("_", 1)
        return index, member
    return None


def amaranth_name(port):
    """Amaranth's names: `inputs__3__valid`, `destinations__3`, `outputs__3__valid`, `out__data`,
    `enq__payload`, `rst`."""
    if indexed := split_indexed(port, "in"):
        index, member = indexed
        return f"destinations__{index}" if member == "destination" else f"inputs__{index}__{member}"
    if indexed := split_indexed(port, "out"):
        return f"outputs__{indexed[0]}__{indexed[1]}"
    for side in ("out", "enq", "deq"):
        if port.startswith(side + "_") and port != "out_of_range":
            member = port[len(side) + 1:]
            return f"{side}__{'payload' if side in ('enq', 'deq') and member == 'data' else member}"
    return port


PYMTL3_MEMBERS = {"valid": "val", "ready": "rdy", "data": "msg", "last": "last"}


def pymtl3_name(port):
    """PyMTL3's names: `recv__3__val`, `dest__3`, `send__3__val`, `send__msg`, `recv__rdy`, `reset`."""
    if port == "rst":
        return "reset"
    if indexed := split_indexed(port, "in"):
        index, member = indexed
        return f"dest__{index}" if member == "destination" else f"recv__{index}__{PYMTL3_MEMBERS[member]}"
    if indexed := split_indexed(port, "out"):
        return f"send__{indexed[0]}__{PYMTL3_MEMBERS[indexed[1]]}"
    for side, name in (("out", "send"), ("enq", "recv"), ("deq", "send")):
        if port.startswith(side + "_"):
            return f"{name}__{PYMTL3_MEMBERS[port[len(side) + 1:]]}"
    return port


NAMING = {"strata": lambda port: port, "amaranth": amaranth_name, "pymtl3": pymtl3_name}


def arbiter_bench(top, name, cycles):
    n, w = REQUESTERS, BEAT_WIDTH
    pins = [".clk(clk)", f".{name('rst')}(rst)", f".{name('out_valid')}(out_valid)", f".{name('out_ready')}(out_ready)",
            f".{name('out_data')}(out_data)", f".{name('out_last')}(out_last)", f".{name('grant')}(grant)",
            f".{name('grant_index')}(grant_index)"]
    for i in range(n):
        pins += [f".{name(f'in{i}_valid')}(valid[{i}])", f".{name(f'in{i}_ready')}(ready[{i}])",
                 f".{name(f'in{i}_data')}(data[{i}])", f".{name(f'in{i}_last')}(last[{i}])"]
    return f"""
module bench;
  reg clk = 0, rst = 1, out_ready = 0;
  reg [{n - 1}:0] valid = 0, last = 0, fired;
  reg [{w - 1}:0] data [0:{n - 1}];
  wire [{n - 1}:0] ready, grant;
  wire out_valid, out_last;
  wire [{w - 1}:0] out_data;
  wire [3:0] grant_index;
  integer seed = 7, cycle, i;
  {top} dut ({", ".join(pins)});
  initial begin
    for (i = 0; i < {n}; i = i + 1) data[i] = 0;
    for (cycle = 0; cycle < {cycles}; cycle = cycle + 1) begin
      #1;
      if (cycle >= 2)
        $display("%0d ready=%h valid=%b data=%h last=%b grant=%h index=%h", cycle, ready, out_valid,
                 out_valid ? out_data : {w}'d0, out_valid & out_last, grant, grant != 0 ? grant_index : 4'd0);
      fired = valid & ready;
      clk = 1; #1; clk = 0;
      if (cycle == 1) rst = 0;
      // Each requester holds its beat until it moves, then maybe offers another (requester i is busier the higher i is).
      for (i = 0; i < {n}; i = i + 1)
        if (!rst && (!valid[i] || fired[i])) begin
          valid[i] = ($unsigned($random(seed)) % 32) < i + 4;
          data[i] = $random(seed);
          last[i] = ($unsigned($random(seed)) % 3) == 0;
        end
      out_ready = ($unsigned($random(seed)) % 4) != 0;
    end
    $finish;
  end
endmodule
"""


def crossbar_bench(top, name, cycles):
    n, w = PORTS, CROSSBAR_WIDTH
    pins = [".clk(clk)", f".{name('rst')}(rst)"]
    for i in range(n):
        pins += [f".{name(f'in{i}_valid')}(valid[{i}])", f".{name(f'in{i}_ready')}(ready[{i}])",
                 f".{name(f'in{i}_data')}(data[{i}])", f".{name(f'in{i}_last')}(last[{i}])",
                 f".{name(f'in{i}_destination')}(destination[{i}])",
                 f".{name(f'out{i}_valid')}(out_valid[{i}])", f".{name(f'out{i}_ready')}(out_ready[{i}])",
                 f".{name(f'out{i}_data')}(out_data[{i}])", f".{name(f'out{i}_last')}(out_last[{i}])"]
    outputs = " ".join(f"%b%b%h" for _ in range(n))
    values = ", ".join(f"out_valid[{j}], out_valid[{j}] & out_last[{j}], out_valid[{j}] ? out_data[{j}] : {w}'d0"
                       for j in range(n))
    return f"""
module bench;
  reg clk = 0, rst = 1;
  reg [{n - 1}:0] valid = 0, last = 0, out_ready = 0, fired, in_packet = 0;
  reg [{w - 1}:0] data [0:{n - 1}];
  reg [3:0] destination [0:{n - 1}];
  wire [{n - 1}:0] ready, out_valid, out_last;
  wire [{w - 1}:0] out_data [0:{n - 1}];
  integer seed = 5, cycle, i, j, k, hits;
  integer sender [0:{n - 1}];  // the input whose packet output j is in the middle of, or {n}
  {top} dut ({", ".join(pins)});
  initial begin
    for (i = 0; i < {n}; i = i + 1) begin data[i] = 0; destination[i] = 0; sender[i] = {n}; end
    for (cycle = 0; cycle < {cycles}; cycle = cycle + 1) begin
      #1;
      if (cycle >= 2) $display("%0d ready=%h {outputs}", cycle, ready, {values});
      fired = valid & ready;
      // The crossbar's own specification, independent of the other frameworks: every beat an
      // output takes is the beat of one input addressed to it, and packets do not interleave.
      for (j = 0; j < {n}; j = j + 1)
        if (out_valid[j] && out_ready[j]) begin
          hits = 0;
          for (i = 0; i < {n}; i = i + 1)
            if (fired[i] && destination[i] == j && data[i] == out_data[j] && last[i] == out_last[j]) begin
              hits = hits + 1;
              if (sender[j] != {n} && sender[j] != i)
                $display("ERROR cycle %0d: output %0d took input %0d's beat inside input %0d's packet", cycle, j, i, sender[j]);
              sender[j] = last[i] ? {n} : i;
            end
          if (hits != 1) $display("ERROR cycle %0d: output %0d took a beat that %0d inputs sent it", cycle, j, hits);
        end
      for (i = 0; i < {n}; i = i + 1)
        if (fired[i] && !(out_valid[destination[i]] && out_ready[destination[i]]))
          $display("ERROR cycle %0d: input %0d's beat moved but output %0d took nothing", cycle, i, destination[i]);
      clk = 1; #1; clk = 0;
      if (cycle == 1) rst = 0;
      // A packet keeps its destination; a new one may go anywhere (half of them to outputs 0-3, to contend).
      for (i = 0; i < {n}; i = i + 1) begin
        if (fired[i]) in_packet[i] = !last[i];
        if (!rst && (!valid[i] || fired[i])) begin
          if (!in_packet[i]) destination[i] = ($unsigned($random(seed)) % 2) ? $unsigned($random(seed)) % 4 : $random(seed);
          valid[i] = ($unsigned($random(seed)) % 4) != 0;
          for (k = 0; k < {w // 32}; k = k + 1) data[i][k * 32 +: 32] = $random(seed);
          last[i] = ($unsigned($random(seed)) % 3) == 0;
        end
      end
      for (i = 0; i < {n}; i = i + 1) out_ready[i] = ($unsigned($random(seed)) % 4) != 0;
    end
    $finish;
  end
endmodule
"""


def fifo_bench(top, name, cycles):
    w = FIFO_WIDTH
    pins = [".clk(clk)", f".{name('rst')}(rst)", f".{name('enq_valid')}(enq_valid)", f".{name('enq_ready')}(enq_ready)",
            f".{name('enq_data')}(enq_data)", f".{name('deq_valid')}(deq_valid)", f".{name('deq_ready')}(deq_ready)",
            f".{name('deq_data')}(deq_data)", ".count(count)", ".full(full)", ".empty(empty)",
            ".almost_full(almost_full)", ".almost_empty(almost_empty)"]
    return f"""
module bench;
  reg clk = 0, rst = 1, enq_valid = 0, deq_ready = 0, fired;
  reg [{w - 1}:0] enq_data = 0;
  wire enq_ready, deq_valid, full, empty, almost_full, almost_empty;
  wire [{w - 1}:0] deq_data;
  wire [4:0] count;
  integer seed = 11, cycle, phase;
  {top} dut ({", ".join(pins)});
  initial begin
    for (cycle = 0; cycle < {cycles}; cycle = cycle + 1) begin
      #1;
      if (cycle >= 2)
        $display("%0d enq_ready=%b valid=%b data=%h count=%0d flags=%b%b%b%b", cycle, enq_ready, deq_valid,
                 deq_valid ? deq_data : {w}'d0, count, full, empty, almost_full, almost_empty);
      fired = enq_valid & enq_ready;
      clk = 1; #1; clk = 0;
      if (cycle == 1) rst = 0;
      // Phases that fill, drain and churn the FIFO, so full and empty are both reached.
      phase = (cycle / 200) % 3;
      if (!rst && (!enq_valid || fired)) begin
        enq_valid = ($unsigned($random(seed)) % 4) < (phase == 0 ? 3 : phase == 1 ? 1 : 2);
        enq_data = {{$random(seed), $random(seed)}};
      end
      deq_ready = ($unsigned($random(seed)) % 4) < (phase == 0 ? 1 : phase == 1 ? 3 : 2);
    end
    $finish;
  end
endmodule
"""


def trace(out_dir, framework, design, cycles):
    """The printed outputs of `framework`'s `design` under the bench."""
    with open(f"{out_dir}/{framework}.json") as f:
        top = json.load(f)["tops"][design]
    folder = f"{out_dir}/{framework}/{design}"
    # PyMTL3's Yosys-flavoured SystemVerilog has no unpacked array ports, which Yosys cannot read.
    if os.path.isdir(folder + "-yosys"):
        folder += "-yosys"
    sources = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".v"))
    make = {"arbiter": arbiter_bench, "fifo": fifo_bench, "crossbar": crossbar_bench}[design]
    with tempfile.TemporaryDirectory() as work:
        netlist = os.path.join(work, "design.v")
        reads = "; ".join(f"read_verilog -sv {source}" for source in sources)
        converted = subprocess.run(["yosys", "-q", "-p", f"{reads}; hierarchy -top {top}; proc; write_verilog -noattr {netlist}"],
                                   capture_output=True, text=True)
        if converted.returncode != 0:
            sys.exit(f"equivalence: yosys cannot read {framework}'s {design}:\n{converted.stdout}{converted.stderr}")
        bench = os.path.join(work, "bench.v")
        with open(bench, "w") as f:
            f.write(make(top, NAMING[framework], cycles))
        compiled = subprocess.run(["iverilog", "-g2012", "-o", os.path.join(work, "sim"), "-s", "bench", bench, netlist],
                                  capture_output=True, text=True)
        if compiled.returncode != 0:
            sys.exit(f"equivalence: iverilog cannot compile {framework}'s {design}:\n{compiled.stdout}{compiled.stderr}")
        run = subprocess.run(["vvp", "-n", os.path.join(work, "sim")], capture_output=True, text=True)
        errors = [line for line in run.stdout.splitlines() if line.startswith("ERROR")]
        if errors:
            sys.exit(f"equivalence: {framework}'s {design} breaks its specification:\n" + "\n".join(errors[:10]))
        lines = [line for line in run.stdout.splitlines() if line[:1].isdigit()]
        if run.returncode != 0 or len(lines) != cycles - 2:
            sys.exit(f"equivalence: simulating {framework}'s {design} printed {len(lines)} of {cycles - 2} cycles:\n"
                     f"{run.stdout[-2000:]}{run.stderr[-2000:]}")
        return lines


def main():
    out_dir, cycles = sys.argv[1], int(sys.argv[2])
    failures = 0
    for design in ("arbiter", "fifo", "crossbar"):
        reference = trace(out_dir, "strata", design, cycles)
        for framework in ("amaranth", "pymtl3"):
            other = trace(out_dir, framework, design, cycles)
            mismatch = next((pair for pair in zip(reference, other) if pair[0] != pair[1]), None)
            if mismatch:
                failures += 1
                print(f"equivalence: {framework}'s {design} differs from Strata's\n  strata:   {mismatch[0]}\n"
                      f"  {framework + ':':9} {mismatch[1]}", file=sys.stderr)
            else:
                print(f"equivalence: {design}: {framework} matches Strata for {cycles - 2} cycles", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
