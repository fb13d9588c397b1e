"""Admin pages at /admin: login by one-time link, escrows, reconciliation, CSV export.

    app.include_router(admin_web.router(secret_key, secure_cookies=True))

Server-rendered (Jinja2), no script, nothing from other hosts. Staff sign in with the link the
bot's /login command sends; a signed cookie keeps them signed in for 8 hours.
"""

from admin_web.pages import router

__all__ = ["router"]
