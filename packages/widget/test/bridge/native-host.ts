import { REQUEST_DEFS, schemaErrors } from './protocol.js';

type Envelope = { v: 1; id: string; type: string; payload: Record<string, unknown> };

export interface NativeHostLog {
  /** Every message the widget posted. */
  received: unknown[];
  /** Schema violations found in what the widget posted (must stay empty). */
  violations: string[];
}

/**
 * The native side as FindThisFitKit implements it, simulated in Node: validates every message the widget
 * posts against the JSON Schema, and answers with reply envelopes (themselves checked against the schema).
 */
export function createNativeHost() {
  let seq = 0;
  const log: NativeHostLog = { received: [], violations: [] };
  const state = { silent: false, badReply: false, capabilities: ['photo.pick', 'result.open', 'log', 'camera'] };

  const reply = (replyTo: string | null, body: { payload: object } | { code: string; message: string }) => {
    const envelope =
      'payload' in body
        ? { v: 1, id: `ios-${++seq}`, type: 'reply', replyTo, ok: true, payload: body.payload }
        : { v: 1, id: `ios-${++seq}`, type: 'reply', replyTo, ok: false, error: body };
    const wrong = schemaErrors(envelope, 'reply');
    if (wrong) throw new Error(`the simulated host built an invalid reply: ${wrong}`);
    return envelope;
  };

  function answer(message: Envelope): object {
    switch (message.type) {
      case 'host.ready':
        return reply(message.id, { payload: { hostVersion: 'test', capabilities: state.capabilities } });
      case 'photo.pick':
        return message.payload.source === 'camera'
          ? reply(message.id, { code: 'cancelled', message: 'The user closed the camera.' })
          : reply(message.id, { payload: { url: 'app://bundle/photos/1F2E3D4C.jpg', mimeType: 'image/jpeg' } });
      case 'result.open':
        return reply(message.id, { payload: { opened: message.payload.appUrl ? 'app' : 'safari' } });
      case 'log':
        return reply(message.id, { payload: {} });
      default:
        return reply(message.id, { code: 'unsupported', message: `Unsupported message type: ${message.type}` });
    }
  }

  async function postMessage(message: unknown): Promise<unknown> {
    log.received.push(message);
    const wrong = schemaErrors(message);
    const type = (message as Envelope)?.type;
    const typeWrong = type in REQUEST_DEFS ? schemaErrors(message, REQUEST_DEFS[type]!.def) : '';
    if (wrong || typeWrong) {
      log.violations.push(`${JSON.stringify(message)}: ${wrong || typeWrong}`);
      const id = (message as Envelope)?.id;
      return reply(typeof id === 'string' ? id : null, { code: 'invalid_message', message: wrong || typeWrong });
    }
    if (state.silent) return new Promise(() => {});
    if (state.badReply) return { v: 1, id: 'ios-x', type: 'reply', replyTo: 'someone-else', ok: true, payload: {} };
    return answer(message as Envelope);
  }

  return { postMessage, log, state };
}
