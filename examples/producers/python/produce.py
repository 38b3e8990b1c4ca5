#!/usr/bin/python3
"""Produces RoutedRequest records to flux.requests.routed the way docs/producing.md says.

- key: the account_id as plain UTF-8; partitioner: librdkafka's murmur2_random (murmur2 as Java's client; the
  librdkafka default, consistent_random, puts accounts on other partitions);
- value: Avro single-object encoding: C3 01, the CRC-64-AVRO fingerprint of the schema's Parsing Canonical Form
  (little-endian), the Avro binary body;
- completed_at as timestamp-millis, quoted_cost_usd as decimal(38, 9);
- a retry reuses the request_id, so the pipeline prices it once.

Debian's python3-avro 1.11 computes a wrong Parsing Canonical Form for fields with logical types (it keeps
{"type": "long"} where the specification gives "long"), so its fingerprint differs from Java's: the canonical form
and CRC-64-AVRO are computed below instead (checked against the table in docs/producing.md).

Runs with Debian's packages under /usr/bin/python3 (apt-get install python3-confluent-kafka python3-avro).

Usage: produce.py --bootstrap-servers HOST:PORT --accounts acme,startup [--per-account 5] [--id-prefix py]
                  [--resend] [--schema ../../../schemas/RoutedRequest.avsc]
Prints one JSON line per request sent (with the partition the broker put it on), then a summary line.
"""
import argparse
import datetime
import decimal
import io
import json
import os
import struct
import sys

import avro.io
import avro.schema
from confluent_kafka import Producer

TOPIC = "flux.requests.routed"
# Served model ids of the published catalog (flux.catalog.models); see docs/producing.md.
MODELS = ["flux-express-small", "llama-3.1-8b-instruct", "flux-daily-medium", "llama-3.3-70b-instruct",
          "flux-deep-large", "deepseek-r1"]
# What the router quotes the caller (X-Flux-Cost-Usd), USD per 1M tokens of each model's lane, input and output alike.
USD_PER_MILLION = {"flux-express-small": 1, "llama-3.1-8b-instruct": 1, "flux-daily-medium": 2,
                   "llama-3.3-70b-instruct": 2, "flux-deep-large": 4, "deepseek-r1": 4}
NANO = decimal.Decimal("0.000000001")
PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}

# ---- Parsing Canonical Form and CRC-64-AVRO (Avro specification, "Schema Fingerprints") ----


def canonical(schema, namespace=None):
    """The Parsing Canonical Form of a parsed JSON schema: full names, only the attributes that matter, in order."""
    if isinstance(schema, str):
        return schema if schema in PRIMITIVES or "." in schema or namespace is None else namespace + "." + schema
    if isinstance(schema, list):
        return [canonical(branch, namespace) for branch in schema]
    kind = schema["type"]
    if kind in PRIMITIVES:
        return kind  # {"type": "long", "logicalType": ...} is just "long" (python3-avro 1.11 gets this wrong)
    if kind in ("record", "enum", "fixed"):
        name = schema["name"]
        space = schema.get("namespace", namespace)
        full = name if "." in name or not space else space + "." + name
        form = {"name": full, "type": kind}
        inner = full.rsplit(".", 1)[0] if "." in full else None
        if kind == "record":
            form["fields"] = [{"name": f["name"], "type": canonical(f["type"], inner)} for f in schema["fields"]]
        elif kind == "enum":
            form["symbols"] = schema["symbols"]
        else:
            form["size"] = schema["size"]
        return form
    if kind == "array":
        return {"type": "array", "items": canonical(schema["items"], namespace)}
    if kind == "map":
        return {"type": "map", "values": canonical(schema["values"], namespace)}
    return canonical(kind, namespace)


EMPTY = 0xC15D213AA4D7A795
TABLE = []
for i in range(256):
    fp = i
    for _ in range(8):
        fp = (fp >> 1) ^ (EMPTY & -(fp & 1))
    TABLE.append(fp)


def crc64_avro(text):
    fp = EMPTY
    for b in text.encode("utf-8"):
        fp = (fp >> 8) ^ TABLE[(fp ^ b) & 0xFF]
    return fp


class SingleObjectEncoder:
    """Avro single-object encoding of one schema: the 10-byte header, then the binary body."""

    def __init__(self, schema_file):
        with open(schema_file, encoding="utf-8") as f:
            text = f.read()
        form = json.dumps(canonical(json.loads(text)), separators=(",", ":"), ensure_ascii=False)
        self.fingerprint = crc64_avro(form)
        self.header = b"\xc3\x01" + struct.pack("<Q", self.fingerprint)
        self.writer = avro.io.DatumWriter(avro.schema.parse(text))

    def encode(self, record):
        body = io.BytesIO()
        self.writer.write(record, avro.io.BinaryEncoder(body))
        return self.header + body.getvalue()


def request(prefix, account, i, completed_at):
    """Request i of an account: a deterministic shape, so a test can compute what each costs."""
    served = MODELS[i % len(MODELS)]
    tokens = 1000 * (i + 1) + 250 * (i + 1)
    return {
        "request_id": f"{prefix}-{account}-{i}",
        "account_id": account,
        "requested_model": "flux-auto",
        "served_model": served,
        "lane": None,
        "input_tokens": 1000 * (i + 1),
        "output_tokens": 250 * (i + 1),
        # timestamp-millis: python3-avro takes an aware datetime; never ahead of the broker's clock.
        "completed_at": completed_at,
        # decimal(38, 9): a decimal.Decimal with at most 9 places (python3-avro writes its two's complement bytes).
        "quoted_cost_usd": (decimal.Decimal(tokens) * USD_PER_MILLION[served] / 1_000_000).quantize(NANO),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--accounts", required=True, help="comma-separated account ids")
    parser.add_argument("--per-account", type=int, default=5)
    parser.add_argument("--id-prefix", default="py")
    parser.add_argument("--resend", action="store_true", help="send every request twice, as a retry would")
    parser.add_argument("--schema", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                         "../../../schemas/RoutedRequest.avsc"))
    args = parser.parse_args()

    encoder = SingleObjectEncoder(args.schema)
    producer = Producer({
        "bootstrap.servers": args.bootstrap_servers,
        "client.id": "flux-producer-example-python",
        # The one setting that matters most: librdkafka's default (consistent_random) is not Java's murmur2.
        "partitioner": "murmur2_random",
        # Idempotent, acks=all: a broker-level retry does not duplicate; an application retry reuses request_id.
        "enable.idempotence": True,
        "acks": "all",
    })
    completed_at = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=60)).replace(microsecond=0)
    requests = [request(args.id_prefix, account, i, completed_at)
                for account in args.accounts.split(",") for i in range(args.per_account)]
    failures = []
    rounds = 2 if args.resend else 1  # the second round stands for a retry after a timeout: same request_id
    for round_ in range(rounds):
        for r in requests:
            def delivered(err, msg, r=r, round_=round_):
                if err is not None:
                    failures.append(f"{r['request_id']}: {err}")
                    return
                line = dict(r, completed_at=int(r["completed_at"].timestamp() * 1000), partition=msg.partition(),
                            quoted_cost_usd=str(r["quoted_cost_usd"]),
                            round=round_)
                print(json.dumps(line), flush=True)
            producer.produce(TOPIC, key=r["account_id"].encode("utf-8"), value=encoder.encode(r), on_delivery=delivered)
            producer.poll(0)
        producer.flush(30)
    if failures or len(producer) > 0:
        print(f"not delivered: {failures or len(producer)}", file=sys.stderr)
        return 1
    print(json.dumps({"sent": len(requests) * rounds, "fingerprint": f"0x{encoder.fingerprint:016X}"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
