// A plain RTP copy of one producer for the recording: a PlainTransport on the
// producer's router sends to 127.0.0.1 (RTP on `port`, RTCP on `port + 1`),
// where recording/capture.ts has an ffmpeg listening.
import type { types } from 'mediasoup';
import type { MediaProducer, RtpTap } from './port.js';

export async function openRtpTap(router: types.Router, producer: MediaProducer, port: number, options: { spatialLayer?: number }): Promise<RtpTap> {
  const transport = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    rtcpMux: false,
    comedia: false,
    appData: { recording: true },
  });
  try {
    await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
    // Only the media codec: no RTX or header extensions that ffmpeg would not understand.
    const rtpCapabilities = {
      codecs: router.rtpCapabilities.codecs!.filter((c) => c.kind === producer.kind && !c.mimeType.endsWith('/rtx')),
      headerExtensions: [],
    };
    const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities, paused: true });
    if (consumer.type === 'simulcast' && options.spatialLayer !== undefined) await consumer.setPreferredLayers({ spatialLayer: options.spatialLayer });
    return {
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      get closed() {
        return consumer.closed;
      },
      onClose: (listener) => void consumer.observer.once('close', listener),
      resume: () => consumer.resume(),
      requestKeyFrame: () => consumer.requestKeyFrame(),
      close: () => {
        if (!transport.closed) transport.close();
      },
    };
  } catch (err) {
    transport.close();
    throw err;
  }
}
