"""The `/sandbox` page, rendered on the server so the columns are there before any script runs.

Everything dynamic is escaped here; the page's script adds messages from the sandbox APIs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from html import escape
from importlib import resources
from string import Template
from typing import Any

from sandbox.web.people import Column

TEMPLATES = resources.files("sandbox.web") / "templates"
PAGE = Template((TEMPLATES / "page.html").read_text(encoding="utf-8"))
COLUMN = Template((TEMPLATES / "column.html").read_text(encoding="utf-8"))
TITLES = {"setu": "Setu UPI", "razorpayx": "RazorpayX payouts", "telegram": "Telegram Bot API"}
KINDS = {bool: "bool", int: "int", float: "float", str: "text"}


@dataclass(frozen=True)
class FaultPanel:
    """One mounted sandbox's switches: `name` is its mount under the page (`setu` for
    /sandbox/setu); `defaults` is a fresh Faults, what the reset button sends back."""

    name: str
    defaults: Any  # a Faults dataclass instance


def render_page(
    *, base: str, bot: str, docs: str | None, columns: Sequence[Column], faults: list[FaultPanel]
) -> str:
    docs_link = f'API docs: <a href="{escape(docs)}">{escape(docs)}</a>.' if docs else ""
    return PAGE.substitute(
        base=escape(base),
        bot=escape(bot),
        docs=docs_link,
        faults="\n".join(_fault_section(panel) for panel in faults),
        columns="\n".join(_column(column) for column in columns),
        template=_column(None),
    )


def _column(column: Column | None) -> str:
    """A person's column; with None, the empty one the script clones for "Add person"."""
    person = column.person if column else None
    return COLUMN.substitute(
        slug=escape(column.slug if column else ""),
        user_id=person.user_id if person else "",
        first_name=escape(person.first_name if person else ""),
        username=escape(person.username if person else ""),
        handle=escape(f"@{person.username}" if person and person.username else ""),
        role_hint=escape(person.role_hint if person else ""),
    )


def _fault_section(panel: FaultPanel) -> str:
    defaults = asdict(panel.defaults)
    fields = {
        name: {"kind": KINDS.get(type(value), "text"), "default": value}
        for name, value in defaults.items()
    }
    title = TITLES.get(panel.name, panel.name)
    return (
        f'<fieldset class="sandbox" data-sandbox="{escape(panel.name)}"'
        f' data-fields="{escape(json.dumps(fields))}">'
        f"<legend>{escape(title)}</legend>"
        '<div class="fields" data-role="fault-fields"></div>'
        f'<button type="button" data-role="fault-reset">Reset {escape(title)} faults</button>'
        '<p class="fault-status" data-role="fault-status" role="status"></p>'
        "</fieldset>"
    )
