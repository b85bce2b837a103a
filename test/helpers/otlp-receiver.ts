import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

/**
 * A local OTLP/HTTP metrics receiver (`POST /v1/metrics`) for the runtime tests. Protobuf bodies
 * are decoded with the protobufjs code generated from the official opentelemetry-proto files (as
 * shipped in @opentelemetry/otlp-proto-exporter-base 0.51, the `otlp-protobufjs` devDependency),
 * not with a decoder written to match any encoder here; JSON bodies with JSON.parse.
 */

interface ProtoType {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: { longs: NumberConstructor; defaults: boolean }): unknown;
}
const generated = createRequire(import.meta.url)('otlp-protobufjs/build/src/generated/root.js') as {
  opentelemetry: {
    proto: { collector: { metrics: { v1: { ExportMetricsServiceRequest: ProtoType } } } };
  };
};
const ExportMetricsServiceRequest =
  generated.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/** One data point, flattened: a sum's or gauge's value, a histogram's count and sum. */
export interface OtlpPoint {
  metric: string;
  attributes: Record<string, string | number | boolean>;
  value?: number;
  count?: number;
  sum?: number;
}

export interface OtlpExport {
  contentType: string;
  /** The raw body, as it came over the socket. */
  bytes: number;
  points: OtlpPoint[];
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>/v1/metrics` */
  url: string;
  readonly exports: OtlpExport[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const exports: OtlpExport[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/metrics')) {
        res.writeHead(404).end();
        return;
      }
      try {
        const request = contentType.startsWith('application/x-protobuf')
          ? ExportMetricsServiceRequest.toObject(ExportMetricsServiceRequest.decode(body), {
              longs: Number,
              defaults: false,
            })
          : JSON.parse(body.toString('utf8'));
        exports.push({ contentType, bytes: body.length, points: flatten(request) });
      } catch (error) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
        return;
      }
      // An empty ExportMetricsServiceResponse: zero bytes in protobuf, `{}` in JSON.
      if (contentType.startsWith('application/x-protobuf'))
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/metrics`,
    exports,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface DataPoint {
  attributes?: { key: string; value: AnyValue }[];
  asInt?: number | string;
  asDouble?: number;
  count?: number | string;
  sum?: number;
}
type Data = { dataPoints?: DataPoint[] } | undefined;
interface Metric {
  name: string;
  sum?: Data;
  gauge?: Data;
  histogram?: Data;
  exponentialHistogram?: Data;
  summary?: Data;
}
interface Request {
  resourceMetrics?: { scopeMetrics?: { metrics?: Metric[] }[] }[];
}

/** The same walk for both encodings: protobufjs's toObject and OTLP/JSON share field names. */
function flatten(request: Request): OtlpPoint[] {
  const out: OtlpPoint[] = [];
  for (const rm of request.resourceMetrics ?? [])
    for (const sm of rm.scopeMetrics ?? [])
      for (const m of sm.metrics ?? []) {
        const data = m.sum ?? m.gauge ?? m.histogram ?? m.exponentialHistogram ?? m.summary;
        for (const p of data?.dataPoints ?? []) {
          const attributes: OtlpPoint['attributes'] = {};
          for (const { key, value } of p.attributes ?? []) attributes[key] = scalar(value);
          const point: OtlpPoint = { metric: m.name, attributes };
          if (p.asInt !== undefined) point.value = Number(p.asInt);
          else if (p.asDouble !== undefined) point.value = p.asDouble;
          if (p.count !== undefined) point.count = Number(p.count);
          if (p.sum !== undefined) point.sum = p.sum;
          out.push(point);
        }
      }
  return out;
}

function scalar(v: AnyValue): string | number | boolean {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  throw new Error(`an attribute value of a kind this receiver does not read: ${JSON.stringify(v)}`);
}

/** The points of `metric` whose attributes include `where`. */
export function pointsOf(
  exp: OtlpExport,
  metric: string,
  where: Record<string, string | number | boolean> = {},
): OtlpPoint[] {
  return exp.points.filter(
    (p) => p.metric === metric && Object.entries(where).every(([k, v]) => p.attributes[k] === v),
  );
}
