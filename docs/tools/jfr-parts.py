#!/usr/bin/env python3
"""Shares of the Kafka Streams stream thread by part, from a JFR recording of `bin/flux-billing bench`.

The "Where the time goes" tables of docs/performance.md are made with it:

    jfr print --events jdk.ExecutionSample --stack-depth 100 bench.jfr > samples.txt
    python3 docs/tools/jfr-parts.py samples.txt 'bench-pipeline-(11|26|35)' 'bench-dedupfloor-(10|20|30)'

Each argument after the file is a regular expression of application ids (the bench names its runs
`bench-<kind>-<n>`, one counter over all kinds, in the order it starts them); each makes one column. Every sample of a
stream thread (`<application id>-<uuid>-StreamThread-<n>`; not its producer's network thread) goes to the first frame,
from the top of its stack, that belongs to a part; frames of no part (the JDK's collections, for one) count for the
part below them. Printed: the table in Markdown, then per column the leading frames of each part, first by the part's
frame alone (what "no frame above x %" is read from), then split by leaf ("frame <- leaf" when the part's frame is not
the top one), and, for Avro, the send, store or source it encoded or decoded for.
"""
import collections
import re
import sys

STREAM_THREAD = re.compile(r'^(.*)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-StreamThread-\d+$')
FRAME = re.compile(r'^\s+([\w$.<>]+)\.([\w$<>]+)\(')
BILLING = 'com.fluxrouter.billing.'
STREAMS = 'org.apache.kafka.streams.processor.internals.'
STATE = 'org.apache.kafka.streams.state.internals.'
METERING_STEP = re.compile(r'com\.fluxrouter\.billing\.(metering\.(MeterTransition|MeterStep|MeterState|Ledgers|'
                           r'StatusFigures|PlanTimeline|PlanTerms|PlanChange|BillingCalendar|Settlement|Deadline\b)'
                           r'|alerts\.|invoicing\.)')
AVRO_CONTEXT = re.compile(r'(Metered\w+Store|RecordCollectorImpl|SourceNode|HeldValues|PublishedPlans|MeterProcessor'
                          r'|PriceRequest)$')


def part(cls, method):
    """The part a frame belongs to, or None when it belongs to none (the sample goes to a frame below it)."""
    if cls.startswith((BILLING + 'caching.', BILLING + 'metering.HeldValues', BILLING + 'plans.PublishedPlans')):
        return 'the held maps'
    if cls.startswith((BILLING + 'serde.', 'org.apache.avro.')):
        return 'Avro'
    if cls.startswith(BILLING + 'schema.'):
        # Generated records: what Avro's reader and writer call is Avro's; a getter or a builder is its caller's.
        return 'Avro' if re.fullmatch(r'custom(En|De)code|put|get|readExternal|writeExternal', method) else None
    if METERING_STEP.match(cls):
        return 'billing: metering step'
    if cls.startswith(BILLING):
        return 'billing: intake, pricing, plans, meter processor'
    if cls.startswith((STATE + 'NamedCache', STATE + 'ThreadCache', STATE + 'LRUCacheEntry', STATE + 'ContextualRecord')):
        return 'record cache'
    if cls.startswith((STATE, 'org.rocksdb.', 'org.apache.kafka.common.metrics.', STREAMS + 'metrics.')):
        return 'store layers, metrics, RocksDB'
    if cls.startswith(('org.apache.kafka.clients.producer.', STREAMS + 'RecordCollectorImpl', STREAMS + 'StreamsProducer')):
        return 'producer send'
    if (cls.startswith(('org.apache.kafka.clients.consumer.', STREAMS + 'PartitionGroup', STREAMS + 'RecordQueue',
                        STREAMS + 'RecordDeserializer'))
            or (cls.startswith(STREAMS + 'SourceNode') and method.startswith('deserial'))):
        return 'consumer'
    if cls.startswith('org.apache.kafka.streams.'):
        return 'plumbing'
    return None


def short(cls, method):
    return cls.split('.')[-1] + '.' + method


def samples(path):
    """(thread name, [(class, method), ...] from the top) of each execution sample in `jfr print` output."""
    thread, frames, in_stack = None, [], False
    for line in open(path, errors='replace'):
        if line.startswith('jdk.ExecutionSample'):
            if thread is not None:
                yield thread, frames
            thread, frames, in_stack = None, [], False
        elif 'sampledThread = "' in line:
            thread = line.split('"')[1]
        elif 'stackTrace = [' in line:
            in_stack = True
        elif in_stack:
            match = FRAME.match(line)
            if match:
                frames.append((match.group(1), match.group(2)))
            elif line.strip() == ']':
                in_stack = False
    if thread is not None:
        yield thread, frames


def main(path, patterns):
    groups = [re.compile(p) for p in patterns]
    totals = [0] * len(groups)
    counts = [collections.Counter() for _ in groups]
    leading = [collections.defaultdict(collections.Counter) for _ in groups]
    by_frame = [collections.defaultdict(collections.Counter) for _ in groups]
    avro_for = [collections.Counter() for _ in groups]
    for thread, frames in samples(path):
        app = STREAM_THREAD.match(thread)
        if not app:
            continue
        found = next(((i, p) for i, p in ((i, part(c, m)) for i, (c, m) in enumerate(frames)) if p), (None, 'other'))
        where, name = found
        for g, group in enumerate(groups):
            if not group.fullmatch(app.group(1)):
                continue
            totals[g] += 1
            counts[g][name] += 1
            if where is not None:
                label = short(*frames[where]) + (' <- ' + short(*frames[0]) if where > 0 else '')
                leading[g][name][label] += 1
                by_frame[g][name][short(*frames[where])] += 1
            if name == 'Avro':
                context = next((short(c, m) for c, m in frames[where + 1:]
                                if AVRO_CONTEXT.search(c.split('.')[-1])), 'elsewhere')
                avro_for[g][context] += 1
    parts = sorted({p for c in counts for p in c},
                   key=lambda p: -sum(c[p] / max(1, t) for c, t in zip(counts, totals)))
    share = lambda n, t: f'{100 * n / max(1, t):.1f} %'
    print('| share of the stream thread | ' + ' | '.join(f'{g.pattern} ({t:,} samples)' for g, t in zip(groups, totals)) + ' |')
    print('|---|' + '---:|' * len(groups))
    for p in parts:
        print(f'| {p} | ' + ' | '.join(share(c[p], t) for c, t in zip(counts, totals)) + ' |')
    for g, group in enumerate(groups):
        print(f'\n{group.pattern}')
        for p in parts:
            top = leading[g][p].most_common(6)
            if top:
                print(f'  {p}: ' + '; '.join(f'{k} {share(v, totals[g])}' for k, v in by_frame[g][p].most_common(6)))
                print(f'    by leaf: ' + '; '.join(f'{k} {share(v, totals[g])}' for k, v in top))
        if avro_for[g]:
            print('  Avro, for: ' + '; '.join(f'{k} {share(v, totals[g])}' for k, v in avro_for[g].most_common(8)))


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
