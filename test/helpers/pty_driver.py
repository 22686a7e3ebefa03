"""Runs a command in a real pseudo-terminal and answers its prompts (an expect-like driver).

Usage: python3 pty_driver.py SCRIPT_JSON -- COMMAND ARGS...
SCRIPT_JSON is a list of {"expect": REGEX, "send": TEXT, "proc": [NAME...]}: wait until the screen
output so far (ANSI escapes removed) matches REGEX after the previous match, print the program's
/proc/<pid>/NAME files (optional), then type TEXT. Prints everything
the program wrote, then exits with the program's exit code (or 124 on a timeout).
"""
import json
import os
import pty
import re
import select
import sys
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|\r")


def main() -> int:
    script = json.loads(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1 :]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    raw = b""
    position = 0
    deadline = time.time() + 60
    step = 0

    def read_some(timeout: float) -> bool:
        nonlocal raw
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        raw += chunk
        return True

    alive = True
    while alive and step < len(script):
        if time.time() > deadline:
            sys.stdout.write(ANSI.sub("", raw.decode("utf-8", "replace")))
            sys.stdout.write(f"\n[pty driver: timed out waiting for {script[step]['expect']!r}]\n")
            os.kill(pid, 9)
            return 124
        alive = read_some(0.2)
        screen = ANSI.sub("", raw.decode("utf-8", "replace"))
        match = re.compile(script[step]["expect"]).search(screen, position)
        if match:
            position = match.end()
            for name in script[step].get("proc", []):
                # What the program's process looks like while it waits at this prompt.
                with open(f"/proc/{pid}/{name}", encoding="utf-8") as proc:
                    sys.stdout.write(f"[proc {name}]\n{proc.read()}[/proc]\n")
            time.sleep(0.2)
            os.write(fd, script[step]["send"].encode())
            step += 1
    while alive and time.time() < deadline:
        alive = read_some(0.5)
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(ANSI.sub("", raw.decode("utf-8", "replace")))
    if step < len(script):
        sys.stdout.write(f"\n[pty driver: program ended before {script[step]['expect']!r}]\n")
        return 125
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
