/**
 * The largest version number the stores keep (PostgreSQL's `integer`). A request naming a
 * larger one is refused by its schema; otherwise PostgreSQL refused the comparison itself
 * ("out of range for type integer") and the caller got a server error.
 */
export const MAX_VERSION = 2_147_483_647;
