/**
 * Test-only loopback TCP proxy: put it between a client and anvil to simulate an RPC outage.
 * Restarting anvil would lose its chain, so an outage is a proxy that drops every connection and
 * refuses new ones until `restore()`.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export type CreateTcpProxyParameters = {
  /** Where to forward, e.g. anvil's port on 127.0.0.1. */
  targetPort: number;
  targetHost?: string;
};

export type TcpProxy = {
  url: string;
  port: number;
  /** Destroys every open connection and refuses new ones. */
  cut: () => void;
  restore: () => void;
  readonly isCut: boolean;
  close: () => Promise<void>;
};

/**
 * @example
 * const proxy = await createTcpProxy({ targetPort: anvil.port });
 * const client = createPublicClient({ transport: http(proxy.url) });
 * proxy.cut(); ... proxy.restore(); await proxy.close();
 */
export async function createTcpProxy(parameters: CreateTcpProxyParameters): Promise<TcpProxy> {
  const { targetPort, targetHost = "127.0.0.1" } = parameters;
  const sockets = new Set<Socket>();
  let cut = false;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };

  const server: Server = createServer((client) => {
    track(client);
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    cut: () => {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    restore: () => {
      cut = false;
    },
    get isCut() {
      return cut;
    },
    close: async () => {
      cut = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
