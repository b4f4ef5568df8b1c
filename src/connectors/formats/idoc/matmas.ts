import type { MessageOf } from '../../../modules/integration/canonical.js';
import type { IdocContext } from './idoc-context.js';
import { children, field, type XmlNode } from './idoc-xml.js';
import { hubUnit, SAP_LANGUAGES } from './sap-codes.js';
import { alphaOut } from './sap-values.js';

type ItemMaster = MessageOf<'item.master'>;

const DELETE = '003';

/** E1MARAM fields kept as attributes, by attribute name; zero measures are SAP's blank. */
const ATTRIBUTES: ReadonlyArray<readonly [sapField: string, attribute: string, numeric: boolean]> = [
  ['MATKL', 'materialGroup', false],
  ['MBRSH', 'industrySector', false],
  ['BISMT', 'oldMaterialNumber', false],
  ['EAN11', 'gtin', false],
  ['SPART', 'division', false],
  ['PRDHA', 'productHierarchy', false],
  ['MSTAE', 'crossPlantStatus', false],
  ['LVORM', 'deletionFlag', false],
  ['XCHPF', 'batchManaged', false],
  ['BRGEW', 'grossWeight', true],
  ['NTGEW', 'netWeight', true],
  ['GEWEI', 'weightUnit', false],
  ['VOLUM', 'volume', true],
  ['VOLEH', 'volumeUnit', false],
  ['LAENG', 'length', true],
  ['BREIT', 'width', true],
  ['HOEHE', 'height', true],
  ['MEABM', 'dimensionUnit', false],
];

function languageOf(text: XmlNode): string | undefined {
  const iso = field(text, 'SPRAS_ISO');
  if (iso) return iso.toLowerCase();
  const sap = field(text, 'SPRAS');
  return sap ? (SAP_LANGUAGES[sap.toUpperCase()] ?? sap.toLowerCase()) : undefined;
}

/**
 * MATMAS (any version, extensions included) to `item.master`, one message per E1MARAM.
 * The part number is MATNR_LONG when sent (S/4HANA's 40-character number), else MATNR,
 * through the ALPHA rule (numeric keys lose their zero padding). Units go through the unit
 * table; alternative units (E1MARMM) become conversions with factor UMREZ / UMREN base
 * units per unit. A segment marked deleted (MSGFN 003) is skipped; a deleted material is
 * refused, since the canonical message has no way to say so.
 */
export function mapMatmas(idoc: XmlNode, ctx: IdocContext): ItemMaster[] {
  const materials = children(idoc, 'E1MARAM');
  if (materials.length === 0) {
    ctx.report(
      'IDOC_MISSING_SEGMENT',
      'E1MARAM',
      undefined,
      'is missing: a MATMAS IDoc needs the material segment',
    );
    return [];
  }
  const out: ItemMaster[] = [];
  for (const mara of materials) {
    const before = ctx.issues.length;
    const matnr = field(mara, 'MATNR_LONG') ?? ctx.required(mara, 'E1MARAM', 'MATNR');
    if (field(mara, 'MSGFN') === DELETE) {
      ctx.report(
        'IDOC_DELETION_NOT_SUPPORTED',
        'E1MARAM',
        'MSGFN',
        `deletes material ${matnr ?? '?'}; deletions are not mapped`,
      );
    }
    const sentUom = field(mara, 'MEINS');
    const baseUom = sentUom === undefined ? undefined : hubUnit(sentUom, ctx.options.units);

    const attributes: Record<string, string> = {};
    for (const [sapField, name, numeric] of ATTRIBUTES) {
      const raw = field(mara, sapField);
      if (raw === undefined) continue;
      if (numeric) {
        const value = ctx.number(mara, 'E1MARAM', sapField, 'nonNegative');
        if (value === undefined || value === 0) continue;
      }
      attributes[name] = raw;
    }
    if (sentUom !== undefined && baseUom !== sentUom) attributes.sapBaseUom = sentUom;
    const plantSegments = children(mara, 'E1MARCM').filter((p) => field(p, 'MSGFN') !== DELETE);
    const plants = plantSegments.map((p) => field(p, 'WERKS')).filter((w): w is string => w !== undefined);
    if (plants.length > 0) attributes.plants = [...new Set(plants)].join(',');
    const serialProfile = plantSegments.map((p) => field(p, 'SERNP')).find((s) => s !== undefined);
    if (serialProfile) attributes.serialProfile = serialProfile;

    const descriptions: Record<string, string> = {};
    for (const text of children(mara, 'E1MAKTM')) {
      if (field(text, 'MSGFN') === DELETE) continue;
      const language = languageOf(text);
      const maktx = field(text, 'MAKTX');
      if (!language || !maktx) {
        ctx.report('IDOC_MISSING_FIELD', 'E1MAKTM', language ? 'MAKTX' : 'SPRAS', 'is missing or empty');
        continue;
      }
      descriptions[language] ??= maktx;
    }

    const uomConversions: { uom: string; factor: number }[] = [];
    for (const unit of children(mara, 'E1MARMM')) {
      if (field(unit, 'MSGFN') === DELETE) continue;
      const meinh = ctx.required(unit, 'E1MARMM', 'MEINH');
      const umrez =
        ctx.required(unit, 'E1MARMM', 'UMREZ') === undefined
          ? undefined
          : ctx.number(unit, 'E1MARMM', 'UMREZ', 'positive');
      const umren =
        ctx.required(unit, 'E1MARMM', 'UMREN') === undefined
          ? undefined
          : ctx.number(unit, 'E1MARMM', 'UMREN', 'positive');
      if (meinh === undefined || umrez === undefined || umren === undefined) continue;
      const factor = umrez / umren;
      if (!Number.isFinite(factor) || factor <= 0) {
        ctx.report(
          'IDOC_BAD_NUMBER',
          'E1MARMM',
          'UMREZ',
          `${umrez}/${umren} for unit ${meinh} is not a usable factor`,
        );
        continue;
      }
      const uom = hubUnit(meinh, ctx.options.units);
      // The base unit's own row (1/1) says nothing new.
      if (uom === baseUom && factor === 1) continue;
      if (uomConversions.some((c) => c.uom === uom)) continue;
      uomConversions.push({ uom, factor });
    }

    if (ctx.issues.length > before || matnr === undefined) continue;
    const languages = Object.keys(descriptions);
    const description =
      descriptions[ctx.options.language] ??
      (languages[0] === undefined ? undefined : descriptions[languages[0]]);
    out.push({
      type: 'item.master',
      partNumber: alphaOut(matnr),
      scheme: ctx.options.materialScheme,
      ...(description === undefined ? {} : { description }),
      ...(baseUom === undefined ? {} : { baseUom }),
      ...(field(mara, 'MTART') === undefined ? {} : { materialType: field(mara, 'MTART') }),
      attributes,
      ...(languages.length > 0 ? { descriptions } : {}),
      ...(uomConversions.length > 0 ? { uomConversions } : {}),
    });
  }
  return out;
}
