// Shutdown: layers drain, then close, newest first; a step that hangs is
// logged and passed, so SIGTERM always ends the process.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../../server/lifecycle.js';

describe('Lifecycle', () => {
  it('drains then closes newest first, and a hanging step does not stop the others', async () => {
    const logged: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line) as Record<string, unknown>) });
    const order: string[] = [];
    const layers = new Lifecycle(log, 50);
    layers.add('media', { drain: () => void order.push('media.drain'), close: () => void order.push('media.close') });
    layers.add('rooms', { drain: () => new Promise<void>(() => order.push('rooms.drain (hangs)')), close: () => void order.push('rooms.close') });
    layers.add('http', {
      drain: () => void order.push('http.drain'),
      close: () => {
        throw new Error('port already gone');
      },
    });
    await layers.close();
    expect(order).toEqual(['http.drain', 'rooms.drain (hangs)', 'media.drain', 'rooms.close', 'media.close']);
    expect(logged.filter((l) => l.msg === 'shutdown step failed').map((l) => [l.layer, l.step])).toEqual([
      ['rooms', 'drain'],
      ['http', 'close'],
    ]);
  });
});
