"""RazorpayX Payouts: the real client, used against RazorpayX or its local simulator alike."""

from core.payments.razorpayx.rail import RazorpayXConfig, RazorpayXRail

__all__ = ["RazorpayXConfig", "RazorpayXRail"]
