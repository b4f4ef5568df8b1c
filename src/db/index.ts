export {
  openStore,
  RetryTransaction,
  type Store,
  type StoreOptions,
  type Trx,
  type CommitTail,
  type DialectName,
} from './store.js';
export type * from './schema.js';
