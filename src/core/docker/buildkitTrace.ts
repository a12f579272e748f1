/**
 * BuildKit's build progress reaches the Docker API as `{"id":"moby.buildkit.trace","aux":"<base64>"}`
 * where the payload is a protobuf `moby.buildkit.v1.StatusResponse`. Only the fields needed to show
 * steps, their output and their errors are decoded, with a minimal wire-format reader (no protobuf
 * dependency for four messages).
 *
 *   StatusResponse { repeated Vertex vertexes = 1; repeated VertexStatus statuses = 2; repeated VertexLog logs = 3; }
 *   Vertex { string digest = 1; repeated string inputs = 2; string name = 3; bool cached = 4;
 *            Timestamp started = 5; Timestamp completed = 6; string error = 7; }
 *   VertexLog { string vertex = 1; Timestamp timestamp = 2; int64 stream = 3; bytes msg = 4; }
 */
export interface BuildkitVertex {
  digest: string;
  name: string;
  cached: boolean;
  started: boolean;
  completed: boolean;
  error?: string;
}

export interface BuildkitLog {
  vertex: string;
  stream: number;
  message: string;
}

export interface BuildkitStatus {
  vertexes: BuildkitVertex[];
  logs: BuildkitLog[];
}

type Field = { number: number; wireType: number; value: bigint | Uint8Array };

function* fields(bytes: Uint8Array): Generator<Field> {
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (offset >= bytes.length) throw new Error('truncated varint');
      const byte = bytes[offset++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < bytes.length) {
    const key = Number(varint());
    const number = key >>> 3;
    const wireType = key & 7;
    if (wireType === 0) {
      yield { number, wireType, value: varint() };
    } else if (wireType === 2) {
      const length = Number(varint());
      if (offset + length > bytes.length) throw new Error('truncated field');
      yield { number, wireType, value: bytes.subarray(offset, offset + length) };
      offset += length;
    } else if (wireType === 1) {
      offset += 8;
    } else if (wireType === 5) {
      offset += 4;
    } else {
      throw new Error(`unsupported protobuf wire type ${wireType}`);
    }
  }
}

const text = (value: bigint | Uint8Array) => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : '');

function decodeVertex(bytes: Uint8Array): BuildkitVertex {
  const vertex: BuildkitVertex = { digest: '', name: '', cached: false, started: false, completed: false };
  for (const field of fields(bytes)) {
    if (field.number === 1) vertex.digest = text(field.value);
    else if (field.number === 3) vertex.name = text(field.value);
    else if (field.number === 4) vertex.cached = field.value === 1n;
    else if (field.number === 5) vertex.started = true;
    else if (field.number === 6) vertex.completed = true;
    else if (field.number === 7) vertex.error = text(field.value) || undefined;
  }
  return vertex;
}

function decodeLog(bytes: Uint8Array): BuildkitLog {
  const log: BuildkitLog = { vertex: '', stream: 1, message: '' };
  for (const field of fields(bytes)) {
    if (field.number === 1) log.vertex = text(field.value);
    else if (field.number === 3 && typeof field.value === 'bigint') log.stream = Number(field.value);
    else if (field.number === 4) log.message = text(field.value);
  }
  return log;
}

export function decodeBuildkitStatus(base64: string): BuildkitStatus {
  const status: BuildkitStatus = { vertexes: [], logs: [] };
  for (const field of fields(Buffer.from(base64, 'base64'))) {
    if (field.wireType !== 2 || !(field.value instanceof Uint8Array)) continue;
    if (field.number === 1) status.vertexes.push(decodeVertex(field.value));
    else if (field.number === 3) status.logs.push(decodeLog(field.value));
  }
  return status;
}
