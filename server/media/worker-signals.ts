// mediasoup ≥ 3.19.22 closes every worker as soon as the Node process receives
// SIGINT or SIGTERM (createWorker adds process.once listeners). aula shuts down
// in its own order on those signals (server/main.ts): rooms are told, running
// recordings are stopped cleanly, the ledger is flushed, and the workers are
// closed last by the pool. So each worker of the pool gets its listeners taken
// off again; mediasoup's own worker.close() removes them too, so this is safe.
import type { types } from 'mediasoup';

type SignalListener = (signal: NodeJS.Signals) => void;

/** Detach mediasoup's per-worker signal listeners; false if this mediasoup has none. */
export function keepWorkerThroughSignals(worker: types.Worker): boolean {
  // Not in mediasoup's types: the arrow method WorkerImpl registers with process.once.
  const onSignal = (worker as unknown as { onSignal?: unknown }).onSignal;
  if (typeof onSignal !== 'function') return false;
  process.removeListener('SIGINT', onSignal as SignalListener);
  process.removeListener('SIGTERM', onSignal as SignalListener);
  return true;
}
