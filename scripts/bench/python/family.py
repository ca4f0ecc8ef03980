"""Parameters shared by the benchmark's designs in every framework (mirrored in
Benchmarks/ElaborateBench/Parameters.swift)."""

CROSSBAR_PORTS = 16
CROSSBAR_WIDTH = 256
FIFO_DEPTH = 16
FIFO_WIDTH = 64
ARBITER_WIDTH = 8


def fifo_parameters(count):
    """`count` distinct (depth, width) pairs: depths 2...41 for each width from 8 up."""
    return [(2 + k % 40, 8 + k // 40) for k in range(count)]
