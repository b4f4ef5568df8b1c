export {
  openStore,
  RetryTransaction,
  type Store,
  type StoreOptions,
  type Trx,
  type DialectName,
} from './store.js';
export type * from './schema.js';
