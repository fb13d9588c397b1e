"""Smart contracts: Vyper sources and their committed build outputs (ABI and bytecode).

`make contracts` recompiles them (`python -m contracts.build`); a test keeps outputs and sources
from drifting apart.
"""
