"""The `/sandbox` web chat: act as several Telegram users side by side and finish an escrow
in a browser, with no accounts (README, "Quick start").

    app.include_router(
        web.router(telegram=..., setu=..., razorpayx=..., bot_username=..., people=DEFAULT_PEOPLE),
        prefix="/sandbox",
        include_in_schema=False,
    )
"""

from sandbox.web.people import DEFAULT_PEOPLE, SandboxPerson
from sandbox.web.routes import router

__all__ = ["DEFAULT_PEOPLE", "SandboxPerson", "router"]
