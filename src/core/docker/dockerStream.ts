/**
 * Docker's progress streams (build, push, pull): newline-separated JSON messages in an HTTP 200
 * response. A failure arrives as one of those messages, not as an HTTP status, so every message
 * is checked for `error`/`errorDetail`.
 */
export interface DockerStreamEvent {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: unknown;
}

/** The error a stream message carries, if any. */
export function streamEventError(event: DockerStreamEvent): string | undefined {
  const detail = event.errorDetail?.message;
  if (typeof detail === 'string' && detail) return detail;
  if (typeof event.error === 'string' && event.error) return event.error;
  return undefined;
}

/** Splits chunks into messages; a chunk may hold several messages or part of one. */
export class DockerStreamDecoder {
  private pending = '';

  push(chunk: Buffer | string): DockerStreamEvent[] {
    this.pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    return lines.flatMap((line) => parseMessages(line));
  }

  end(): DockerStreamEvent[] {
    const rest = this.pending;
    this.pending = '';
    return parseMessages(rest);
  }
}

function parseMessages(line: string): DockerStreamEvent[] {
  const text = line.trim();
  if (!text) return [];
  try {
    return [JSON.parse(text) as DockerStreamEvent];
  } catch {
    // Some engines write several objects on one line ("}{"); split there before giving up.
    const pieces = text.split(/(?<=\})\s*(?=\{)/);
    if (pieces.length > 1) {
      return pieces.flatMap((piece) => parseMessages(piece));
    }
    // Not JSON (a proxy's error page, say): keep it as text so nothing is lost.
    return [{ stream: `${text}\n` }];
  }
}

/** Reads a Docker progress stream as messages; ends when the response ends, throws on socket errors. */
export async function* readDockerStream(stream: AsyncIterable<Buffer | string>): AsyncGenerator<DockerStreamEvent> {
  const decoder = new DockerStreamDecoder();
  for await (const chunk of stream) {
    yield* decoder.push(chunk);
  }
  yield* decoder.end();
}
