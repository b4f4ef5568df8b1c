import type { Party } from '../../../modules/integration/canonical.js';

/**
 * SAP unit codes (internal, English commercial and ISO, all three turn up in IDocs depending
 * on the system's conversion settings) to the hub's unit codes (see the catalog's built-in
 * conversions). A unit not listed is passed through as sent, upper-cased; the catalog then
 * refuses it by name if nobody has defined it.
 *
 * | sent                 | hub  |          | sent          | hub |
 * | -------------------- | ---- | -------- | ------------- | --- |
 * | ST, PCE, C62, PC, EA | EA   | piece    | KGM, KG       | KG  |
 * | KAR, CAR, CT, BX     | BOX  | carton   | GRM, G        | G   |
 * | PAK, PK              | PK   | pack     | LBR, LB       | LB  |
 * | PAA, PR              | PR   | pair     | ONZ, OZ       | OZ  |
 * | DZN, DZ              | DZ   | dozen    | LTR, L        | L   |
 * | MTR, M               | M    | metre    | MLT, ML       | ML  |
 * | CMT, CM              | CM   |          | GLL, GAL      | GAL |
 * | MMT, MM              | MM   |          | FOT, FT       | FT  |
 * | KMT, KM              | KM   |          | INH, IN       | IN  |
 */
export const SAP_UNITS: Readonly<Record<string, string>> = {
  ST: 'EA',
  PCE: 'EA',
  C62: 'EA',
  PC: 'EA',
  EA: 'EA',
  KAR: 'BOX',
  CAR: 'BOX',
  CT: 'BOX',
  BX: 'BOX',
  PAK: 'PK',
  PK: 'PK',
  PAA: 'PR',
  PR: 'PR',
  DZN: 'DZ',
  DZ: 'DZ',
  KGM: 'KG',
  KG: 'KG',
  GRM: 'G',
  G: 'G',
  LBR: 'LB',
  LB: 'LB',
  ONZ: 'OZ',
  OZ: 'OZ',
  LTR: 'L',
  L: 'L',
  MLT: 'ML',
  ML: 'ML',
  GLL: 'GAL',
  GAL: 'GAL',
  MTR: 'M',
  M: 'M',
  CMT: 'CM',
  CM: 'CM',
  MMT: 'MM',
  MM: 'MM',
  KMT: 'KM',
  KM: 'KM',
  FOT: 'FT',
  FT: 'FT',
  INH: 'IN',
  IN: 'IN',
};

/** Maps a unit as sent to the hub's code; extra entries (a partner's own codes) win. */
export function hubUnit(sent: string, extra?: Readonly<Record<string, string>>): string {
  const key = sent.trim().toUpperCase();
  return extra?.[key] ?? SAP_UNITS[key] ?? key;
}

/** SAP one-character language keys (SPRAS) to ISO 639-1, for IDocs that omit SPRAS_ISO. */
export const SAP_LANGUAGES: Readonly<Record<string, string>> = {
  E: 'en',
  D: 'de',
  F: 'fr',
  S: 'es',
  I: 'it',
  P: 'pt',
  N: 'nl',
  K: 'da',
  V: 'sv',
  O: 'no',
  U: 'fi',
  L: 'pl',
  C: 'cs',
  T: 'tr',
  R: 'ru',
  J: 'ja',
  '1': 'zh',
  '3': 'ko',
};

/**
 * E1ADRM1 partner functions (PARTNER_Q) to canonical roles; the function itself is kept as
 * the party's qualifier, so nothing is lost when a role is `other`.
 */
export const SAP_PARTNER_ROLES: Readonly<Record<string, Party['role']>> = {
  WE: 'ship_to',
  AG: 'buyer',
  RE: 'bill_to',
  LF: 'supplier',
  SP: 'carrier',
  OSP: 'ship_from',
  LW: 'warehouse',
};
