"""Svarstid's benchmark suite: `python -m benchmarks` (see benchmarks/README.md).

Each step runs in its own subprocess (`python -m benchmarks.worker`) so that its peak memory is
its own; timings are best-of-N and every speed-up is reported as a ratio against a baseline run
in the same script on the same data, because the machine is shared and noisy.
"""
