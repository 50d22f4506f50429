"""The demo's content, kept as TOML files in ``data/`` so that it reads (and is edited) as
data; the loaders beside this module put it in through the services."""

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


@cache
def load(name: str) -> dict[str, Any]:
    with (DATA / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)
