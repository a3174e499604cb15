#!/usr/bin/env python3
"""Write lab 4's traces (CS:APP malloc-lab format) into this directory.

    mktraces.py [DIR]     (default: this script's directory)

interleave.rep  256 pages, then every other page freed, interleaving the
                four 256 KiB regions; 64 long-lived pages; the rest freed;
                then two 256 KiB requests.
tail.rep        a page freed just before its buddy pair could merge, with
                another free page elsewhere; one long-lived page; then one
                256 KiB request.
churn.rep       random churn (seeded): sizes from 64 B to 32 KiB, some
                blocks never freed.
The traces are checked in; this script only documents how they were made
(and remakes them byte for byte).
"""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if len(sys.argv) > 1:
    HERE = sys.argv[1]


def write(name, ops, nids, comment):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("%d\n%d\n%d\n%d\n" % (1 << 20, nids, len(ops), 1))
        f.write("\n".join(ops) + "\n")
    print("%s: %d operations, %d IDs (%s)" % (name, len(ops), nids, comment))


def interleave():
    ops = ["a %d 4096" % i for i in range(256)]   # ID i is page i
    for k in range(0, 64, 2):                      # even pages, region by region
        for r in range(4):
            ops.append("f %d" % (r * 64 + k))
    ops += ["a %d 4096" % (256 + j) for j in range(64)]   # long-lived
    for k in range(1, 64, 2):                      # odd pages: all short-lived
        for r in range(4):
            ops.append("f %d" % (r * 64 + k))
    ops += ["a 320 262144", "a 321 262144"]
    write("interleave.rep", ops, 322, "address-ordered lists keep two regions whole")


def tail():
    ops = ["a %d 4096" % i for i in range(256)]
    ops.append("f 65")           # region 1: a free page whose buddy stays
    ops += ["f 2", "f 3", "f 0"]  # region 0: 2+3 merge; 0 waits for 1
    ops.append("a 256 4096")     # the long-lived page: where does it go?
    ops += ["f 1"] + ["f %d" % i for i in range(4, 64)]   # empty region 0
    ops.append("a 257 262144")
    write("tail.rep", ops, 258, "the tail keeps page 0 free until page 1 is")


def churn(seed=26, n=1000, maxlive=60, keep=0.08,
          sizes=(64, 512, 4096, 4096, 8192, 16384, 32768)):
    r = random.Random(seed)
    live, ops, nid = [], [], 0
    for _ in range(n):
        if live and (r.random() < 0.5 or len(live) >= maxlive):
            x = live.pop(r.randrange(len(live)))
            if r.random() >= keep:
                ops.append("f %d" % x)
        else:
            ops.append("a %d %d" % (nid, r.choice(sizes)))
            live.append(nid)
            nid += 1
    write("churn.rep", ops, nid, "seed %d" % seed)


if __name__ == "__main__":
    interleave()
    tail()
    churn()
