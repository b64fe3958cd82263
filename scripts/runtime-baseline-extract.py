#!/usr/bin/env python3
"""The syscalls a container runtime makes after it loads the seccomp filter.

Usage: runtime-baseline-extract.py PROGRAM LOG...
Each LOG is `strace -f -o LOG RUNTIME run ...` output; PROGRAM is the quoted
path the container runs ('"/bin/true"'). A process is filtered from the
moment it loads a filter (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ...) or
seccomp(SECCOMP_SET_MODE_FILTER, ..., <program>)); with TSYNC every thread of
its thread group is; threads and processes it creates afterwards are. A
filtered process's syscalls count up to and including its execve of PROGRAM
(after that they are the workload's). Prints the union of the names, one per
line, sorted. Used by scripts/measure-runtime-baseline.sh.
"""
import re
import sys

line_re = re.compile(r'^(\d+)\s+(.*)$')
call_re = re.compile(r'^([a-z_0-9]+)\((.*)$')
resumed_re = re.compile(r'^<\.\.\. ([a-z_0-9]+) resumed>(.*)$')
ret_re = re.compile(r'\)\s+=\s+(-?\d+|\?)')
def is_load(name, args):
    if name == 'prctl' and args.startswith('PR_SET_SECCOMP, SECCOMP_MODE_FILTER'):
        return True
    if name == 'seccomp' and args.startswith('SECCOMP_SET_MODE_FILTER') and not re.search(r', NULL\)?', args):
        return True
    return False
def extract(path, program):
    tg = {}          # pid -> thread group leader
    filtered = set() # pids whose syscalls are after the filter
    done = set()     # pids that exec'd the program
    pending = {}     # pid -> (name, args) of an unfinished call
    names = set()
    for raw in open(path):
        m = line_re.match(raw.rstrip('\n'))
        if not m:
            continue
        pid, rest = int(m.group(1)), m.group(2)
        tg.setdefault(pid, pid)
        text = None
        r = resumed_re.match(rest)
        c = call_re.match(rest)
        if r:
            name, args = pending.pop(pid, (r.group(1), ''))
            text = args + r.group(2)
        elif c:
            name, args = c.group(1), c.group(2)
            if pid in filtered and pid not in done:
                names.add(name)
            # what the call is about is on its first line (unfinished or whole)
            if name == 'execve' and pid in filtered and program in args:
                done.add(pid)
            if is_load(name, args) and pid not in filtered:
                filtered.add(pid)
                if 'TSYNC' in args:
                    filtered.update(p for p, l in tg.items() if l == tg[pid])
            if rest.endswith('<unfinished ...>'):
                pending[pid] = (name, args)
                continue
            text = args
        else:
            continue
        ret = ret_re.search(text)
        if name in ('clone', 'clone3', 'fork', 'vfork') and ret and ret.group(1).isdigit():
            child = int(ret.group(1))
            tg[child] = tg[pid] if 'CLONE_THREAD' in text else child
            if pid in filtered:
                filtered.add(child)
    if not filtered:
        sys.exit(path + ': no seccomp filter load found')
    if not done:
        sys.exit(path + ': the filtered process never exec\'d ' + program)
    return names
if __name__ == '__main__':
    program = sys.argv[1]
    for n in sorted(set().union(*(extract(p, program) for p in sys.argv[2:]))):
        print(n)
