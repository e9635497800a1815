"""Child processes forked from one parent that imported the app once, for the kill tests.

A kill test needs several processes of its own (each with its own engine and connections), to
kill each one wherever it is. Starting an interpreter for each re-imports SQLAlchemy and the
app and re-reads the declared law every time; instead the test starts one parent
(`forking_parent`'s script), which loads them once and then, for each "go" line it reads,
forks a child running the test's code and prints the child's pid; on "reap PID" it reaps
that child (so its CPU counts as the test's children's) and prints "reaped". The test kills a
child once the database shows its work, and asks `running` whether it is still alive.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_LOOP = """
print("ready", flush=True)
for line in sys.stdin:
    if line.startswith("reap"):
        os.waitpid(int(line.split()[1]), 0)
        print("reaped", flush=True)
        continue
    pid = os.fork()
    if pid == 0:
        try:
{child}
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(1)
    print(pid, flush=True)
"""


def forking_parent(setup: str, child: str) -> str:
    """The parent's script: `setup` (imports, loading the app; `sys.path` already has the
    checkout), then the fork loop running `child` (code at no indentation) in each child."""
    body = "\n".join(" " * 12 + line if line else "" for line in child.strip("\n").splitlines())
    head = f"import os, sys, traceback\nsys.path.insert(0, {str(ROOT)!r})\n"
    return head + setup.strip("\n") + "\n" + _LOOP.format(child=body)


def running(pid: int) -> bool:
    """Whether process `pid` is running (not exited; an unreaped child is a zombie, "Z")."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
