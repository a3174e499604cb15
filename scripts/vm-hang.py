#!/usr/bin/env python3
"""The VM harness's hang watchdog (scripts/vm.sh starts it beside QEMU).

    vm-hang.py MONITOR_SOCKET DELAY OUT

After DELAY seconds (vm.sh kills it first when the guest ends in time), it
takes the guest for hung: through QEMU's human monitor on MONITOR_SOCKET it
writes three samples of every CPU's registers, a second apart, to OUT (RIP
and RSP say where each CPU spins, with or without interrupts: IF in RFLAGS),
then injects an NMI. The guest, booted with unknown_nmi_panic and
panic_print=0x41, panics on it and prints every CPU's backtrace and every
task's state and stack on the console: that is where a hang shows what it
was, even with interrupts off (no soft lockup or RCU stall report then).
"""
import re
import socket
import sys
import time


def monitor(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    return s


def command(s, cmd):
    """Send one monitor command; return what it printed up to the prompt."""
    s.sendall(cmd.encode() + b"\n")
    out = b""
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        out += chunk
        if out.rstrip().endswith(b"(qemu)"):
            break
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out.decode(errors="replace"))
    lines = text.replace("\r", "").split("\n")
    return "\n".join(l for l in lines if not l.startswith("(qemu)")) + "\n"


def main():
    path, delay, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    time.sleep(delay)
    try:
        s = monitor(path)
    except OSError:
        return 0		# QEMU is gone: nothing hangs
    command(s, "")		# the banner and first prompt
    with open(out, "w") as f:
        for i in range(3):
            f.write(f"=== sample {i + 1}: info registers -a\n")
            f.write(command(s, "info registers -a"))
            time.sleep(1)
    command(s, "nmi")
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
