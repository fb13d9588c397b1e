"""A local Telegram Bot API server and chat control API: the bot runs with no Telegram account.

PTB talks to it through `base_url=<mount>/bot` and `base_file_url=<mount>/file/bot`; tests and
the web chat act as users through `<mount>/api/...` (DESIGN.md section 6).
"""

from sandbox.telegram.config import SandboxConfig
from sandbox.telegram.faults import Faults
from sandbox.telegram.simulator import TelegramSandbox

__all__ = ["Faults", "SandboxConfig", "TelegramSandbox"]
