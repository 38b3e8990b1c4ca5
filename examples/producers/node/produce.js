#!/usr/bin/env node
// Produces RoutedRequest records to flux.requests.routed the way docs/producing.md says:
//   - key: the account_id as plain UTF-8; partitioner: kafkajs v2's DefaultPartitioner (murmur2, as Java's client);
//   - value: Avro single-object encoding (C3 01, CRC-64-AVRO fingerprint little-endian, Avro binary body);
//   - completed_at as timestamp-millis (a long), quoted_cost_usd as decimal(38, 9) (two's complement bytes);
//   - a retry reuses the request_id, so the pipeline prices it once.
// avsc knows neither CRC-64-AVRO nor decimal: both are the small helpers below.
//
// Usage: node produce.js --bootstrap-servers HOST:PORT --accounts acme,startup [--per-account 5]
//                        [--id-prefix node] [--resend] [--schema ../../../schemas/RoutedRequest.avsc]
// Prints one JSON line per request sent (with the partition the broker put it on), then a summary line.
'use strict';

const fs = require('fs');
const path = require('path');
const avro = require('avsc');
const { Kafka, Partitioners, logLevel } = require('kafkajs');

const TOPIC = 'flux.requests.routed';
const SCALE = 9; // decimal(38, 9): nano-dollars
// Served model ids of the published catalog (flux.catalog.models); see docs/producing.md.
const MODELS = ['flux-express-small', 'llama-3.1-8b-instruct', 'flux-daily-medium', 'llama-3.3-70b-instruct',
  'flux-deep-large', 'deepseek-r1'];

// What the router quotes the caller (X-Flux-Cost-Usd), USD per 1M tokens of each model's lane, input and output alike.
const USD_PER_MILLION = { 'flux-express-small': 1n, 'llama-3.1-8b-instruct': 1n, 'flux-daily-medium': 2n,
  'llama-3.3-70b-instruct': 2n, 'flux-deep-large': 4n, 'deepseek-r1': 4n };

// ---- CRC-64-AVRO of the Parsing Canonical Form (Avro specification, "Schema Fingerprints") ----
const EMPTY = 0xc15d213aa4d7a795n;
const CRC_TABLE = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n));
  return fp;
});

function crc64Avro(text) {
  let fp = EMPTY;
  for (const b of Buffer.from(text, 'utf8')) fp = (fp >> 8n) ^ CRC_TABLE[Number((fp ^ BigInt(b)) & 0xffn)];
  return fp;
}

// ---- decimal(38, 9): a decimal string <-> big-endian two's complement of the unscaled value ----
function unscaled(decimalString) {
  const match = /^(-?)(\d+)(?:\.(\d{0,9}))?$/.exec(decimalString);
  if (!match) throw new Error(`not a decimal with at most ${SCALE} places: ${decimalString}`);
  const digits = match[2] + (match[3] || '').padEnd(SCALE, '0');
  return (match[1] ? -1n : 1n) * BigInt(digits);
}

function twosComplement(n) {
  let length = 1;
  while (n < -(1n << BigInt(8 * length - 1)) || n >= (1n << BigInt(8 * length - 1))) length++;
  let value = n < 0n ? (1n << BigInt(8 * length)) + n : n;
  const bytes = Buffer.alloc(length);
  for (let i = length - 1; i >= 0; i--, value >>= 8n) bytes[i] = Number(value & 0xffn);
  return bytes;
}

function nanosToDecimal(nanos) {
  const sign = nanos < 0n ? '-' : '';
  const digits = (nanos < 0n ? -nanos : nanos).toString().padStart(SCALE + 1, '0');
  return `${sign}${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`;
}

class DecimalType extends avro.types.LogicalType {
  _fromValue(buf) {
    let n = 0n;
    for (const b of buf) n = (n << 8n) | BigInt(b);
    if (buf.length && buf[0] & 0x80) n -= 1n << BigInt(8 * buf.length);
    return nanosToDecimal(n);
  }
  _toValue(value) { return typeof value === 'string' ? twosComplement(unscaled(value)) : value; }
  _resolve(type) { return type instanceof DecimalType ? (x) => x : undefined; }
}

// ---- the single-object encoding ----
function singleObjectCodec(schemaFile) {
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
  const type = avro.Type.forSchema(schema, { logicalTypes: { decimal: DecimalType } });
  // avsc's schema() with no options is the Parsing Canonical Form (no doc, no logicalType, no defaults).
  const fingerprint = crc64Avro(JSON.stringify(type.schema()));
  const header = Buffer.alloc(10);
  header[0] = 0xc3;
  header[1] = 0x01;
  header.writeBigUInt64LE(fingerprint, 2);
  return { fingerprint, encode: (record) => Buffer.concat([header, type.toBuffer(record)]) };
}

function options(argv) {
  const opts = { 'per-account': '5', 'id-prefix': 'node', schema: path.join(__dirname, '../../../schemas/RoutedRequest.avsc') };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (name === 'resend') opts.resend = true;
    else opts[name] = argv[++i];
  }
  if (!opts['bootstrap-servers'] || !opts.accounts) {
    throw new Error('usage: produce.js --bootstrap-servers HOST:PORT --accounts a,b [--per-account N] [--id-prefix P] [--resend]');
  }
  return opts;
}

/** Request i of an account: a deterministic shape, so a test can compute what each costs. */
function request(prefix, account, i, completedAt) {
  const served = MODELS[i % MODELS.length];
  const tokens = BigInt(1000 * (i + 1) + 250 * (i + 1));
  return {
    request_id: `${prefix}-${account}-${i}`,
    account_id: account,
    requested_model: 'flux-auto',
    served_model: served,
    lane: null,
    input_tokens: 1000 * (i + 1),
    output_tokens: 250 * (i + 1),
    completed_at: completedAt, // timestamp-millis: UTC milliseconds, never ahead of the broker's clock
    // decimal(38, 9) as a decimal string; USD per 1M tokens is 1,000 nano-dollars per token per dollar.
    quoted_cost_usd: nanosToDecimal(tokens * USD_PER_MILLION[served] * 1000n),
  };
}

async function main() {
  const opts = options(process.argv.slice(2));
  const codec = singleObjectCodec(opts.schema);
  const kafka = new Kafka({ clientId: 'flux-producer-example-node', brokers: opts['bootstrap-servers'].split(','),
    logLevel: logLevel.WARN });
  // DefaultPartitioner is kafkajs v2's default already (murmur2 as Java's); said explicitly, and it silences the
  // v2 warning about the partitioner change. Idempotent, acks=all: a broker retry does not duplicate.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true,
    maxInFlightRequests: 1 });
  await producer.connect();
  const completedAt = Date.now() - 60_000;
  const requests = [];
  for (const account of opts.accounts.split(',')) {
    for (let i = 0; i < Number(opts['per-account']); i++) requests.push(request(opts['id-prefix'], account, i, completedAt));
  }
  const rounds = opts.resend ? 2 : 1; // the second round stands for a retry after a timeout: same request_id
  for (let round = 0; round < rounds; round++) {
    for (const r of requests) {
      const [meta] = await producer.send({ topic: TOPIC, acks: -1,
        messages: [{ key: Buffer.from(r.account_id, 'utf8'), value: codec.encode(r) }] });
      console.log(JSON.stringify({ ...r, partition: meta.partition, round }));
    }
  }
  await producer.disconnect();
  console.log(JSON.stringify({ sent: requests.length * rounds,
    fingerprint: `0x${codec.fingerprint.toString(16).toUpperCase().padStart(16, '0')}` }));
}

main().catch((e) => { console.error(e); process.exit(1); });
