"""The `sanctions` command's entry point (also `python -m sanctions`).

Start-up allocates many objects that live until exit (the modules of SQLAlchemy, pydantic and
the CLI): the garbage collector is kept off while they are imported and they are then frozen
out of its reach, so a short command like `case show` spends its time on its own work.
"""

from __future__ import annotations

import gc


def main() -> None:
    gc.disable()
    from sanctions.cli import cli

    gc.freeze()
    gc.enable()
    cli(prog_name="sanctions")


if __name__ == "__main__":
    main()
