#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the fuzzer's seed corpus (corpus/*.bin), one themed input each.

The encoding is fuzz_engine.c's: two configuration bytes (capacity, bitset
and debug; first ID), then operations, each an opcode byte (mod 16) and its
arguments. Deterministic: running it again gives the same files.
"""
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def cfg(cap, bits, debug=True, last_ids=False):
    """cap: index 0..7 (64K..1M+12K); bits: 0..3 (none, 64, 100, 4096)."""
    return bytes([cap | bits << 3 | (0 if debug else 0x80), 0 if last_ids else 1])


def alloc(sel, r):
    return bytes([0, sel]) + struct.pack('<I', r)


def free(k, how):
    return bytes([4]) + struct.pack('<H', k) + bytes([how])


def bad_free(r):
    return bytes([6]) + struct.pack('<I', r)


def realloc(k, sel, r):
    return bytes([7]) + struct.pack('<H', k) + bytes([sel]) + struct.pack('<I', r)


def rw(k, pos, length, read):
    return bytes([8]) + struct.pack('<HIH', k, pos, length) + bytes([read])


def lookup(r):
    return bytes([9]) + struct.pack('<I', r)


def bit(b, op):
    return bytes([10]) + struct.pack('<I', b) + bytes([op])


def scribble(at, data):
    return bytes([11]) + struct.pack('<I', at) + bytes([len(data) - 1]) + data


def fault(how, sel, r, k=0):
    out = bytes([12, how])
    if how & 2:
        out += struct.pack('<H', k)
    return out + bytes([sel]) + struct.pack('<I', r)


def main():
    rnd = random.Random(2024)
    seeds = {}
    seeds['small-churn'] = cfg(7, 3) + b''.join(
        alloc(rnd.choice([0, 1, 3, 7]), rnd.getrandbits(32)) if rnd.random() < 0.6
        else free(rnd.getrandbits(16), rnd.randrange(3)) for _ in range(400))
    seeds['blocks-large-realloc'] = cfg(6, 0) + b''.join(
        rnd.choice([alloc(rnd.choice([5, 6, 9]), rnd.getrandbits(32)),
                    free(rnd.getrandbits(16), rnd.randrange(3)),
                    realloc(rnd.getrandbits(16), rnd.randrange(10), rnd.getrandbits(32))])
        for _ in range(200))
    seeds['errors-lookups'] = cfg(2, 1) + b''.join(
        rnd.choice([alloc(0, rnd.getrandbits(32)), bad_free(rnd.getrandbits(32)),
                    lookup(rnd.getrandbits(32)),
                    rw(rnd.getrandbits(16), rnd.getrandbits(12), rnd.getrandbits(9),
                       rnd.randrange(2))])
        for _ in range(300))
    seeds['bitset'] = cfg(0, 2) + b''.join(
        bit(rnd.getrandbits(8), rnd.randrange(5)) for _ in range(200))
    seeds['scribble'] = cfg(3, 0) + b''.join(
        rnd.choice([alloc(rnd.choice([0, 3, 5]), rnd.getrandbits(32)),
                    free(rnd.getrandbits(16), rnd.randrange(3)),
                    scribble(rnd.getrandbits(32), bytes(rnd.getrandbits(8) for _ in range(4)))])
        for _ in range(300))
    seeds['faults'] = cfg(4, 0) + b''.join(
        rnd.choice([alloc(rnd.randrange(8), rnd.getrandbits(32)),
                    fault(rnd.getrandbits(8), rnd.randrange(8), rnd.getrandbits(32),
                          rnd.getrandbits(16)),
                    free(rnd.getrandbits(16), 0)])
        for _ in range(300))
    seeds['last-ids'] = cfg(1, 0, last_ids=True) + b''.join(
        alloc(0, i) for i in range(30)) + free(0, 0) + alloc(0, 1)
    seeds['debug-toggle-reset'] = cfg(5, 3, debug=False) + b''.join(
        rnd.choice([alloc(rnd.randrange(8), rnd.getrandbits(32)), bytes([13]),
                    bytes([14, 0]), free(rnd.getrandbits(16), 1)])
        for _ in range(200))
    for i in range(2):
        seeds['random-%d' % i] = bytes(rnd.getrandbits(8) for _ in range(3000))
    for name, data in seeds.items():
        with open(os.path.join(HERE, 'corpus', name + '.bin'), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
