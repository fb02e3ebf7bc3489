import { connect, createServer, type AddressInfo, type Socket } from "node:net";

/** A TCP proxy in front of the real service that loses responses, as a network does. */
export interface DroppingProxy {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  /** Requests passed on to the service: every attempt of every call. */
  readonly requests: number;
  /** Responses forwarded to the service and then dropped on the way back. */
  readonly dropped: number;
  close(): Promise<void>;
}

/**
 * Forwards every byte to `target`; when a request is a call's first attempt (`x-stainless-retry-count: 0`),
 * it lets the service handle it and write its answer, then closes the client's connection instead of
 * passing the answer on. The client sees "other side closed" after the write happened: the case where a
 * retry must not apply the write again.
 */
export async function startDroppingProxy(target: string): Promise<DroppingProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let requests = 0;
  let dropped = 0;
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    let dropNextAnswer = false;
    client.on("data", (chunk: Buffer) => {
      const head = /^x-stainless-retry-count: (\d+)\r$/im.exec(chunk.toString("latin1"));
      if (head) requests++;
      if (head?.[1] === "0") dropNextAnswer = true;
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (dropNextAnswer) {
        dropped++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", close).on("error", close);
    upstream.on("close", close).on("error", close);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    get requests() {
      return requests;
    },
    get dropped() {
      return dropped;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
