"""A faithful local simulator of RazorpayX Payouts to UPI VPAs: no RazorpayX account needed.

Paths, auth, entity shapes, idempotency, statuses and webhooks follow RazorpayX's docs as
summarised in the project's RazorpayX payouts research notes; where they are silent, its "Gaps and
guesses" choices apply (and the configurable ones are in SimulatorConfig).
"""

from sandbox.razorpayx.config import SimulatorConfig
from sandbox.razorpayx.faults import Faults
from sandbox.razorpayx.simulator import RazorpayXSimulator
from sandbox.razorpayx.webhooks import sign

__all__ = ["Faults", "RazorpayXSimulator", "SimulatorConfig", "sign"]
