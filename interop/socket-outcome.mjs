/** Resolves with the socket once it joined, or with the connect_error: for tests that expect either. */
export function outcome(socket) {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ connected: true, socket }));
    socket.once('connect_error', (error) => resolve({ connected: false, error }));
  });
}
