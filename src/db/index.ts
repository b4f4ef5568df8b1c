export {
  openStore,
  RetryTransaction,
  TAKE_FULL_PATH,
  type Store,
  type StoreOptions,
  type Trx,
  type CommitTail,
  type DialectName,
} from './store.js';
export { READ_BEFORE_BEGIN } from './pg-client.js';
export { rowsOf, type RowColumn } from './rows-of.js';
export type * from './schema.js';
