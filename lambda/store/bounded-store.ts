/**
 * A StateStore whose calls give up after a bound: a store that hangs (throttling with SDK retries
 * and back-off, a network black hole) becomes a StoreUnavailableError in time for the caller to
 * degrade, instead of eating Alexa's 4.5 s budget. The abandoned call may still land later; every
 * protocol on the store tolerates that (an in-progress marker expires after its in-progress expiry).
 */
import { StoreUnavailableError, type PutCondition, type StateItem, type StateStore, type TakeResult } from './state-store';

export function boundedStore(store: StateStore, timeoutMs: number): StateStore {
  const bound = <T>(op: Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([op, expired]).finally(() => clearTimeout(timer));
  };
  return {
    get: (pk: string, sk: string): Promise<StateItem | undefined> => bound(store.get(pk, sk)),
    put: (item: StateItem, condition?: PutCondition): Promise<void> => bound(store.put(item, condition)),
    take: (pk: string, sk: string): Promise<TakeResult> => bound(store.take(pk, sk)),
    delete: (pk: string, sk: string): Promise<void> => bound(store.delete(pk, sk)),
  };
}
