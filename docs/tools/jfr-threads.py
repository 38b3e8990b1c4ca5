#!/usr/bin/env python3
"""Shares of the JVM's execution samples by thread while a `bin/flux-billing bench` run processed its requests.

The "by thread" tables of docs/performance.md ("Where the time goes") are made with it:

    jfr print --events jdk.ExecutionSample --stack-depth 100 bench.jfr > samples.txt
    python3 docs/tools/jfr-threads.py samples.txt 'PriceRequest.process(' bench-pipeline-12 bench-pipeline-41 ...
    python3 docs/tools/jfr-threads.py samples.txt 'StreamTask.process(' bench-dedupfloor-11 bench-dedupfloor-28 ...

Each run's window runs from the first sample of its stream thread (`<application id>-<uuid>-StreamThread-<n>`) whose
stack holds MARK to the last sample of that thread. MARK must be a frame only the timed requests reach: the pipeline
processes the catalog and the plans before the bench produces its backlog, so `StreamTask.process(` would open its
window before the backlog's production (the bench's main thread sending, the broker appending); `PriceRequest.process(`
opens it with the first request. The baselines process nothing before the backlog, so `StreamTask.process(` does for
them. Every sample of every thread inside a window counts, grouped as: the run's stream thread, its producer's I/O
thread, the broker's threads, the bench's main thread, others. Printed: the samples, then each group's share. Multiply
a share by the run's CPU per request (the table's row) to split that CPU by thread: an approximation, as native and GC
time fall to no thread.
"""
import collections
import re
import sys

STREAM = re.compile(r'^(bench-[a-z]+-\d+)-[0-9a-f-]{36}-(StreamThread-\d+)(-producer)?$')
BROKER = ('request-handler', 'network-thread', 'data-plane', 'broker-', 'kafka-', 'Txn', 'group-coordinator',
          'AddPartitions')


def seconds(clock):
    h, m, rest = clock.split(':')
    return int(h) * 3600 + int(m) * 60 + float(rest)


def group(thread, app):
    m = STREAM.match(thread)
    if m:
        if m.group(1) != app:
            return 'other'
        return 'producer I/O' if m.group(3) else 'stream'
    if thread.startswith('kafka-producer-network-thread'):
        return 'producer I/O' if app in thread else 'other'
    if thread == 'main':
        return 'bench main'
    if any(part in thread for part in BROKER):
        return 'broker'
    return 'other'


def main(path, mark, apps):
    samples = []  # (time, thread, whether the stack holds mark)
    time = thread = None
    marked = False
    for line in open(path):
        if line.startswith('jdk.ExecutionSample'):
            if thread is not None:
                samples.append((time, thread, marked))
            time, thread, marked = None, None, False
        elif line.startswith('  startTime = '):
            time = seconds(line.split('=')[1].strip().split()[0])
        elif line.startswith('  sampledThread = '):
            thread = re.search(r'"(.*)"', line).group(1)
        elif mark in line:
            marked = True
    if thread is not None:
        samples.append((time, thread, marked))
    total = collections.Counter()
    for app in apps:
        own = [(t, m) for t, th, m in samples
               if STREAM.match(th) and STREAM.match(th).group(1) == app and not STREAM.match(th).group(3)]
        starts = [t for t, m in own if m]
        if not starts:
            print(f'{app}: no sample of its stream thread holds {mark}', file=sys.stderr)
            continue
        start, end = min(starts), max(t for t, _ in own)
        total.update(group(th, app) for t, th, _ in samples if start <= t <= end)
    n = sum(total.values())
    print(f'{n} samples: ' + ', '.join(f'{k} {100 * v / n:.1f} %' for k, v in total.most_common()))


if __name__ == '__main__':
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
