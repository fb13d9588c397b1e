"""A faithful local simulator of Setu's UPI Setu (UMAP) APIs: no Setu account needed.

Wire formats follow Setu's OpenAPI spec (kept in tests/fixtures/setu/umap.openapi.json); login
and webhooks, which the spec leaves out, follow Setu's documentation.
"""

from sandbox.setu.config import SimulatorConfig
from sandbox.setu.faults import Faults
from sandbox.setu.simulator import SetuSimulator
from sandbox.setu.webhooks import sign

__all__ = ["Faults", "SetuSimulator", "SimulatorConfig", "sign"]
