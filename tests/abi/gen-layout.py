#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Regenerate the static_assert block at the end of the uapi header.

Usage: tests/abi/gen-layout.py include/uapi/linux/edualloc.h

Only for a deliberate ABI change (a new struct or command): the asserts
pin the layout, so they must never be regenerated to "fix" a build. The
block between '#ifdef __EDUALLOC_CHECK_LAYOUT' and its '#endif' (or an
'@@ASSERTS@@' line) is replaced by the sizes and offsets the compiler
computes for every struct edualloc_* in the header.
"""
import os
import re
import subprocess
import sys
import tempfile

path = sys.argv[1]
text = open(path).read()
begin = '#ifdef __EDUALLOC_CHECK_LAYOUT\n'
end = '#endif /* __EDUALLOC_CHECK_LAYOUT */\n'
if '@@ASSERTS@@\n' in text:
    head, tail = text.split('@@ASSERTS@@\n')
else:
    i = text.index(begin)
    j = text.index(end) + len(end)
    head, tail = text[:i], text[j:]

structs = []
for m in re.finditer(r'^struct (edualloc_\w+) \{\n(.*?)^\};', head, re.M | re.S):
    fields = []
    for line in m.group(2).splitlines():
        line = re.sub(r'/\*.*?\*/', '', line).strip()
        f = re.match(r'^(?:struct \w+|char|__[us]\d+)\s+(\w+)(\[.*\])?;$', line)
        if f:
            fields.append(f.group(1))
    structs.append((m.group(1), fields))

with tempfile.TemporaryDirectory() as d:
    os.makedirs(os.path.join(d, 'linux'))
    with open(os.path.join(d, 'linux', 'edualloc.h'), 'w') as h:
        h.write(head + tail)
    prog = ['#include <stdio.h>', '#include <stddef.h>', '#include <linux/edualloc.h>',
            'int main(void)', '{']
    for name, fields in structs:
        prog.append('\tprintf("\\n");')
        prog.append('\tprintf("static_assert(sizeof(struct %s) == %%zu, \\"edualloc ABI\\");\\n", sizeof(struct %s));' % (name, name))
        for f in fields:
            prog.append('\tprintf("static_assert(offsetof(struct %s, %s) == %%zu, \\"edualloc ABI\\");\\n", offsetof(struct %s, %s));' % (name, f, name, f))
    prog += ['\treturn 0;', '}']
    src = os.path.join(d, 'gen.c')
    open(src, 'w').write('\n'.join(prog) + '\n')
    exe = os.path.join(d, 'gen')
    subprocess.check_call(['cc', '-std=c11', '-I', d, src, '-o', exe])
    body = subprocess.check_output([exe]).decode()

open(path, 'w').write(head + begin + body + '#undef __EDUALLOC_CHECK_LAYOUT\n' + end + tail)
