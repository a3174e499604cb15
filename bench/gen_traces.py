#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate CS:APP malloc-lab traces (.rep) for `make bench`.

    gen_traces.py OUTDIR [--seed N] [--scale F] [--only NAME...]

Deterministic: the same seed and scale give byte-identical files (the ones
in bench/traces/ are seed 1, scale 1). Every trace frees all it allocates
(the "-bal" convention of the lab's traces) and is written in the 2002
driver's format, a header of four numbers (suggested heap size, number of
IDs, number of operations, weight) then `a ID SIZE`, `r ID SIZE`, `f ID`;
random.rep uses the two-number header (IDs and operations) some copies of
the traces have, so that both forms are exercised.

The set:
  realistic      a server-like mix: long-lived tables and a bounded cache,
                 requests that allocate small objects (16-128 B mostly),
                 strings and buffers, grow a string buffer with realloc,
                 and free in mostly-LIFO order; now and then a large buffer
                 (300 KiB - 1.5 MiB, above edualloc's 256 KiB classes).
  binary         the lab's binary-bal pattern: 64 and 448 bytes
                 alternately, free every 448, then allocate 512s: the
                 freed holes are too small for the new blocks.
  binary2        the same with 16, 112 and 128 bytes.
  coalescing     the lab's coalescing-bal pattern: two 4095-byte blocks,
                 freed, then one of 8190 that fits only if they coalesce.
  realloc        the lab's realloc-bal pattern: a buffer grown by 128 bytes
                 per realloc, a 128-byte block allocated between growths.
  realloc2       realloc2-bal: a 4092-byte buffer grown by 5 bytes at a
                 time, with 16-byte blocks between.
  random         random sizes (1 B - 16 KiB) allocated and freed in random
                 order, as the lab's random-bal.
"""
import argparse
import os
import random
import sys


class Trace:
    """A trace being written: IDs are handed out in order, sizes tracked."""

    def __init__(self):
        self.ops = []
        self.next_id = 0
        self.live = {}          # id -> size
        self.payload = 0
        self.peak = 0

    def alloc(self, size):
        i = self.next_id
        self.next_id += 1
        self.ops.append(f"a {i} {size}")
        self.live[i] = size
        self._account(size)
        return i

    def realloc(self, i, size):
        self.ops.append(f"r {i} {size}")
        self._account(size - self.live[i])
        self.live[i] = size

    def free(self, i):
        self.ops.append(f"f {i}")
        self.payload -= self.live.pop(i)

    def free_all(self, rng=None):
        ids = list(self.live)
        if rng:
            rng.shuffle(ids)
        for i in ids:
            self.free(i)

    def _account(self, delta):
        self.payload += delta
        self.peak = max(self.peak, self.payload)

    def text(self, short_header=False):
        assert not self.live, "a -bal trace frees everything"
        if short_header:
            head = [f"{self.next_id} {len(self.ops)}"]
        else:
            head = [str(self.peak), str(self.next_id), str(len(self.ops)), "1"]
        return "\n".join(head + self.ops) + "\n"


def small_size(rng):
    """Object sizes of a typical C program: mostly small structs."""
    r = rng.random()
    if r < 0.70:
        return rng.choice([16, 24, 32, 40, 48, 56, 64, 72, 80, 96, 112, 128]) - rng.choice([0, 0, 0, 4, 7])
    if r < 0.90:
        return rng.randint(129, 1024)            # strings, small arrays
    if r < 0.98:
        return rng.randint(1025, 8192)           # buffers
    return rng.randint(8193, 65536)              # big buffers


def gen_realistic(rng, scale):
    t = Trace()
    tables = [t.alloc(rng.choice([256, 1024, 4096, 16384, 2048, 512])) for _ in range(40)]
    cache = []
    for _ in range(int(600 * scale)):
        stack = []
        for _ in range(rng.randint(4, 16)):
            stack.append(t.alloc(small_size(rng)))
        # A string built up piece by piece.
        if rng.random() < 0.5:
            size = rng.choice([32, 64, 100])
            buf = t.alloc(size)
            for _ in range(rng.randint(1, 6)):
                size = size * 2 if rng.random() < 0.7 else size + rng.randint(1, 200)
                t.realloc(buf, size)
            stack.append(buf)
        # Now and then a file read into one big buffer.
        if rng.random() < 0.02:
            stack.append(t.alloc(rng.randint(300 * 1024, 1536 * 1024)))
        # Some results outlive the request, in a bounded cache.
        for _ in range(rng.randint(0, 2)):
            if stack and rng.random() < 0.4:
                cache.append(stack.pop(rng.randrange(len(stack))))
        while len(cache) > 400:
            t.free(cache.pop(0))
        # Mostly LIFO, with some shuffling.
        while stack:
            k = len(stack) - 1 if rng.random() < 0.8 else rng.randrange(len(stack))
            t.free(stack.pop(k))
    for i in cache + tables:
        t.free(i)
    return t


def gen_binary(rng, scale, small, big, bigger):
    t = Trace()
    n = int(2000 * scale)
    pairs = [(t.alloc(small), t.alloc(big)) for _ in range(n)]
    for _, b in pairs:
        t.free(b)
    later = [t.alloc(bigger) for _ in range(n)]
    for s, _ in pairs:
        t.free(s)
    for i in later:
        t.free(i)
    return t


def gen_coalescing(rng, scale):
    t = Trace()
    for _ in range(int(1200 * scale)):
        x, y = t.alloc(4095), t.alloc(4095)
        t.free(x)
        t.free(y)
        t.free(t.alloc(8190))
    return t


def gen_realloc(rng, scale, start, step, small, rounds):
    t = Trace()
    size = start
    buf = t.alloc(size)
    prev = t.alloc(small)
    for _ in range(int(rounds * scale)):
        size += step
        t.realloc(buf, size)
        cur = t.alloc(small)
        t.free(prev)
        prev = cur
    t.free(prev)
    t.free(buf)
    return t


def gen_random(rng, scale):
    t = Trace()
    n = int(3000 * scale)
    live = []
    allocated = 0
    while allocated < n or live:
        if allocated < n and (not live or rng.random() < 0.55):
            live.append(t.alloc(rng.randint(1, 16384)))
            allocated += 1
        else:
            t.free(live.pop(rng.randrange(len(live))))
    return t


GENERATORS = {
    "realistic": lambda r, s: gen_realistic(r, s),
    "binary": lambda r, s: gen_binary(r, s, 64, 448, 512),
    "binary2": lambda r, s: gen_binary(r, s, 16, 112, 128),
    "coalescing": lambda r, s: gen_coalescing(r, s),
    "realloc": lambda r, s: gen_realloc(r, s, 512, 128, 128, 1000),
    "realloc2": lambda r, s: gen_realloc(r, s, 4092, 5, 16, 1600),
    "random": lambda r, s: gen_random(r, s),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the operation counts")
    ap.add_argument("--only", nargs="*", choices=sorted(GENERATORS), help="some traces only")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    for k, (name, gen) in enumerate(GENERATORS.items()):
        if a.only and name not in a.only:
            continue
        # A generator of its own per trace: adding one changes no other.
        t = gen(random.Random(a.seed * 1000 + k), a.scale)
        path = os.path.join(a.outdir, name + ".rep")
        with open(path, "w") as f:
            f.write(t.text(short_header=name == "random"))
        print(f"{path}: {t.next_id} IDs, {len(t.ops)} operations, peak payload {t.peak} bytes",
              file=sys.stderr)


if __name__ == "__main__":
    main()
