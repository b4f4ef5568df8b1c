/**
 * True only when A and B are the same type, field for field, optional and nullable alike.
 * A route's response schema is also its serializer (fields it lacks are stripped), so a type
 * a schema describes but does not define is held to it with `Expect<SameType<A, B>>`.
 */
export type SameType<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when given `true`: `type _Check = Expect<SameType<A, B>>`. */
export type Expect<T extends true> = T;
