// A TCP balancer for the cluster tests (cluster.test.mjs, node-lost.test.mjs): one backend at a time, so a
// test decides which node a client's next connection reaches, as a load balancer does when a node leaves it.
import net from 'node:net';

export function balancer(port) {
  let target = port;
  const open = new Set();
  const server = net.createServer((client) => {
    const backend = net.connect(target, '127.0.0.1');
    open.add(client);
    open.add(backend);
    client.pipe(backend);
    backend.pipe(client);
    const close = () => { client.destroy(); backend.destroy(); open.delete(client); open.delete(backend); };
    for (const end of [client, backend]) {
      end.on('error', close);
      end.on('close', close);
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    /** New connections go to `port`; the open ones drop, as when a node dies or is drained. */
    switchTo(port) {
      target = port;
      for (const end of open) end.destroy();
    },
    close() {
      for (const end of open) end.destroy();
      server.close();
    },
  })));
}
