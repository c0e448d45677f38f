// The bare mediasoup harness for P1: the same worker binary, codecs,
// PlainTransports and load as the aula host, with nothing of aula around it.
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { mediaCodecs } from '../../server/media/codecs.js';
import { serve } from './ipc.js';
import { plainListener, plainProducer, producerPackets, type Suite } from './plain-media.js';

let worker: types.Worker | undefined;
let router: types.Router | undefined;
const producers: types.Producer[] = [];
let consumers = 0;

serve({
  async start() {
    worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
    router = await worker.createRouter({ mediaCodecs });
    return { pid: process.pid, workers: [worker.pid] };
  },

  async publish({ kinds }: { kinds: Array<'audio' | 'video'> }) {
    const out = [];
    for (const kind of kinds) {
      const p = await plainProducer(router!, kind, {});
      producers.push(p.producer);
      out.push({ kind, port: p.port, rtcpPort: p.rtcpPort, ssrc: p.ssrc });
    }
    return out;
  },

  async listen({ count, sinkPorts, suite }: { count: number; sinkPorts: number[]; suite?: Suite }) {
    for (let i = 0; i < count; i++) {
      consumers += (await plainListener(router!, producers, sinkPorts[i % sinkPorts.length]!, () => ({}), suite)).consumers.length;
    }
    return { consumers };
  },

  producerPackets: () => producerPackets(producers),

  info: () => ({ pid: process.pid, rss: process.memoryUsage().rss, workers: [{ pid: worker!.pid, consumers }] }),

  stop() {
    worker?.close();
    setTimeout(() => process.exit(0), 50);
    return {};
  },
});
