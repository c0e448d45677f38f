// Stands in for the operator's load balancer in the several-nodes tests: a TCP
// forwarder that sends each new connection to the first backend that accepts
// it (nginx's upstream with a backup server behaves the same way when a node
// is down). It also notes the browsers' source ports, so that a test can look
// for them where they must not be (Redis).
import net from 'node:net';

export class TcpBalancer {
  readonly clientPorts = new Set<number>();
  private readonly sockets = new Set<net.Socket>();
  private constructor(
    private readonly server: net.Server,
    public backends: number[],
  ) {}

  static async start(backends: number[]): Promise<TcpBalancer> {
    const server = net.createServer();
    const lb = new TcpBalancer(server, backends);
    server.on('connection', (client) => lb.accept(client));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return lb;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  private accept(client: net.Socket): void {
    if (client.remotePort) this.clientPorts.add(client.remotePort);
    this.sockets.add(client);
    client.pause();
    client.on('error', () => client.destroy());
    client.once('close', () => this.sockets.delete(client));
    const attempt = (i: number) => {
      if (i >= this.backends.length) return void client.destroy();
      const upstream = net.connect(this.backends[i]!, '127.0.0.1');
      upstream.once('error', () => attempt(i + 1));
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}
