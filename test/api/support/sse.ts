// Reads a Server-Sent Events response into messages, for the event-stream tests.

export interface SseMessage {
  event?: string;
  id?: string;
  data: string;
}

/** Parses complete messages out of `text`; returns them and what is left of an unfinished one. */
function parse(text: string): { messages: SseMessage[]; rest: string } {
  const blocks = text.split('\n\n');
  const rest = blocks.pop() ?? '';
  const messages: SseMessage[] = [];
  for (const block of blocks) {
    const message: SseMessage = { data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const at = line.indexOf(':');
      const field = line.slice(0, at);
      const value = line.slice(at + 1).replace(/^ /, '');
      if (field === 'event') message.event = value;
      else if (field === 'id') message.id = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0 && message.event === undefined) continue;
    message.data = data.join('\n');
    messages.push(message);
  }
  return { messages, rest };
}

/**
 * Reads messages until the stream ends, `stopAfter` messages have arrived (the reader is then cancelled,
 * as a browser closing the page would), or `timeoutMs` passes (which fails).
 */
export async function readSse(
  res: Response,
  options: { stopAfter?: number; timeoutMs?: number } = {},
): Promise<SseMessage[]> {
  const { stopAfter = Infinity, timeoutMs = 15_000 } = options;
  const reader = res.body?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  const messages: SseMessage[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  try {
    while (messages.length < stopAfter) {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`SSE: ${messages.length} messages, then nothing`)),
          deadline - Date.now(),
        );
      });
      const { done, value } = (await Promise.race([reader.read(), timeout])) as { done: boolean; value?: Uint8Array };
      clearTimeout(timer);
      if (done) return messages;
      const parsed = parse(buffer + decoder.decode(value, { stream: true }));
      buffer = parsed.rest;
      messages.push(...parsed.messages);
    }
    await reader.cancel();
    return messages;
  } finally {
    clearTimeout(timer);
  }
}
