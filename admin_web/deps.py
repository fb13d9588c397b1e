"""FastAPI dependencies of the admin pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from core.deps import Deps


def get_deps(request: Request) -> Deps:
    deps: Deps = request.app.state.deps
    return deps


DepsDep = Annotated[Deps, Depends(get_deps)]
