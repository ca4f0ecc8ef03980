"""Prints the elaboration benchmark's table and its `key: value` lines from the files
scripts/bench/elaborate leaves in OUT_DIR (<framework>.json, .lint, .cells).

Usage: python3 report.py OUT_DIR FIFO_COUNT AMARANTH_VERSION PYMTL3_VERSION FAMILY_SAMPLE_SIZE
Standard library only (it runs on the system Python, outside the venv).
"""

import json
import sys

FRAMEWORKS = ["strata", "amaranth", "pymtl3"]


def read_pairs(path):
    with open(path) as f:
        return {key: int(value) for key, value in (line.split() for line in f if line.strip())}


def main():
    out, fifo_count, amaranth_version, pymtl3_version, sample = sys.argv[1:6]
    times = {fw: json.load(open(f"{out}/{fw}.json")) for fw in FRAMEWORKS}
    lint = {fw: read_pairs(f"{out}/{fw}.lint") for fw in FRAMEWORKS}
    cells = {fw: read_pairs(f"{out}/{fw}.cells") for fw in FRAMEWORKS}
    wall = {fw: t["crossbar_seconds"] + t["fifos_seconds"] for fw, t in times.items()}
    # The speed-ups use CPU time: on a shared machine it does not count time spent waiting for a core.
    cpu = {fw: t["crossbar_cpu_seconds"] + t["fifos_cpu_seconds"] for fw, t in times.items()}
    warnings = {fw: sum(counts.values()) for fw, counts in lint.items()}

    headers = ["", "Strata", f"Amaranth {amaranth_version}", f"PyMTL3 {pymtl3_version}"]
    rows = [
        ["elaborate+emit, CPU s: crossbar 16x16x256"] + [f"{times[fw]['crossbar_cpu_seconds']:.3f}" for fw in FRAMEWORKS],
        [f"  {fifo_count} FIFO parameterisations"] + [f"{times[fw]['fifos_cpu_seconds']:.3f}" for fw in FRAMEWORKS],
        ["  total"] + [f"{cpu[fw]:.3f}" for fw in FRAMEWORKS],
        ["elaborate+emit, wall s: crossbar"] + [f"{times[fw]['crossbar_seconds']:.3f}" for fw in FRAMEWORKS],
        [f"  {fifo_count} FIFO parameterisations"] + [f"{times[fw]['fifos_seconds']:.3f}" for fw in FRAMEWORKS],
        ["  total"] + [f"{wall[fw]:.3f}" for fw in FRAMEWORKS],
        ["Verilator -Wall warnings: crossbar"] + [str(lint[fw]["crossbar"]) for fw in FRAMEWORKS],
        ["  FIFO 16x64"] + [str(lint[fw]["fifo"]) for fw in FRAMEWORKS],
        ["  arbiter 16-way"] + [str(lint[fw]["arbiter"]) for fw in FRAMEWORKS],
        [f"  {sample} FIFOs of the family"] + [str(lint[fw]["family_sample"]) for fw in FRAMEWORKS],
        ["  all"] + [str(warnings[fw]) for fw in FRAMEWORKS],
        ["Yosys synth cells: FIFO 16 deep, 64 bits"] + [str(cells[fw]["fifo"]) for fw in FRAMEWORKS],
        ["  round-robin packet arbiter, 16 x 8 bits"] + [str(cells[fw]["arbiter"]) for fw in FRAMEWORKS],
    ]
    widths = [max(len(r[i]) for r in rows + [headers]) for i in range(len(headers))]
    for r in [headers] + rows:
        print("  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)))

    def best(key):
        return min(cells["amaranth"][key], cells["pymtl3"][key])

    print()
    print(f"elaborate_speedup_vs_amaranth: {cpu['amaranth'] / cpu['strata']:.1f}")
    print(f"elaborate_speedup_vs_pymtl3: {cpu['pymtl3'] / cpu['strata']:.1f}")
    print(f"lint_warnings: {warnings['strata']}")
    print(f"fifo_cells_vs_best: {cells['strata']['fifo'] / best('fifo'):.3f}")
    print(f"arbiter_cells_vs_best: {cells['strata']['arbiter'] / best('arbiter'):.3f}")


if __name__ == "__main__":
    main()
