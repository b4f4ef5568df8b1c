export {
  openStore,
  RetryTransaction,
  TAKE_FULL_PATH,
  READ_BEFORE_BEGIN,
  type Store,
  type StoreOptions,
  type Trx,
  type CommitTail,
  type DialectName,
} from './store.js';
export type * from './schema.js';
