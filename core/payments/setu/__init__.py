"""Setu UPI Setu (UMAP): the real client, used against Setu or its local simulator alike."""

from core.payments.setu.gateway import SetuGateway
from core.payments.setu.transport import SetuConfig, SetuTransport

__all__ = ["SetuConfig", "SetuGateway", "SetuTransport"]
