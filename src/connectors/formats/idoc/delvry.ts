import type { MessageOf, Party } from '../../../modules/integration/canonical.js';
import type { IdocContext } from './idoc-context.js';
import { children, field, type XmlNode } from './idoc-xml.js';
import { hubUnit, SAP_PARTNER_ROLES } from './sap-codes.js';
import { alphaOut } from './sap-values.js';

type ShipNotice = MessageOf<'ship.notice'>;
type Line = ShipNotice['lines'][number];

/** E1EDT13 qualifiers read: goods issue (006) is the ship date, delivery (007) the expected one. */
const GOODS_ISSUE = '006';
const DELIVERY_DATE = '007';

interface Item {
  posnr: string;
  hipos: string | undefined;
  line: Line;
}

function party(adr: XmlNode): Party | undefined {
  const q = field(adr, 'PARTNER_Q');
  if (!q) return undefined;
  const address = ['STREET1', 'STREET2', 'STREET3']
    .map((f) => field(adr, f))
    .filter((s): s is string => s !== undefined);
  const name = [field(adr, 'NAME1'), field(adr, 'NAME2')].filter((s) => s !== undefined).join(' ');
  const values: Party = {
    role: SAP_PARTNER_ROLES[q.toUpperCase()] ?? 'other',
    qualifier: q,
    id: field(adr, 'PARTNER_ID'),
    name: name === '' ? undefined : name,
    address: address.length > 0 ? address : undefined,
    city: field(adr, 'CITY1'),
    region: field(adr, 'REGION'),
    postalCode: field(adr, 'POSTL_COD1'),
    country: field(adr, 'COUNTRY1'),
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Party;
}

/** The first non-empty of actual (ISDD), planned start (NTANF) and planned end (NTEND). */
function deadline(ctx: IdocContext, dates: XmlNode[], qualifier: string): string | undefined {
  const segment = dates.find((d) => field(d, 'QUALF') === qualifier);
  if (!segment) return undefined;
  const found = ['ISDD', 'NTANF', 'NTEND'].map((f) => ctx.date(segment, 'E1EDT13', f));
  return found.find((d) => d !== undefined);
}

function poNumber(item: XmlNode): string | undefined {
  // E1EDL41 carries the customer's order reference (free text, kept as sent); E1EDL43 with
  // QUALF V is an SAP purchase order number (ALPHA rule).
  const fromOrder = children(item, 'E1EDL41')
    .map((r) => field(r, 'BSTNR'))
    .find((n) => n !== undefined);
  if (fromOrder) return fromOrder;
  const ref = children(item, 'E1EDL43').find((r) => field(r, 'QUALF') === 'V' && field(r, 'BELNR'));
  const belnr = ref ? field(ref, 'BELNR') : undefined;
  return belnr === undefined ? undefined : alphaOut(belnr);
}

function mapItem(ctx: IdocContext, node: XmlNode): Item | undefined {
  const before = ctx.issues.length;
  const posnr = ctx.required(node, 'E1EDL24', 'POSNR');
  const matnr = field(node, 'MATNR_LONG') ?? ctx.required(node, 'E1EDL24', 'MATNR');
  // Delivered quantity in the sales unit; a warehouse-side delivery may only fill the
  // stock-keeping quantity (LGMNG in MEINS).
  const useSales = field(node, 'LFIMG') !== undefined || field(node, 'LGMNG') === undefined;
  const qtyField = useSales ? 'LFIMG' : 'LGMNG';
  const uomField = useSales ? 'VRKME' : 'MEINS';
  const quantity =
    ctx.required(node, 'E1EDL24', qtyField) === undefined
      ? undefined
      : ctx.number(node, 'E1EDL24', qtyField, 'nonNegative');
  const uom = ctx.required(node, 'E1EDL24', uomField);
  if (
    ctx.issues.length > before ||
    posnr === undefined ||
    matnr === undefined ||
    quantity === undefined ||
    !uom
  ) {
    return undefined;
  }
  const otherNumbers: Record<string, string> = {};
  const kdmat = field(node, 'KDMAT');
  if (kdmat) otherNumbers.buyer = kdmat;
  const ean = field(node, 'EAN11');
  if (ean) otherNumbers.gtin = ean;
  const serials = children(node, 'E1EDL11')
    .map((s) => field(s, 'SERNR'))
    .filter((s): s is string => s !== undefined);
  const description = field(node, 'ARKTX');
  const lot = field(node, 'CHARG');
  const po = poNumber(node);
  const hipos = field(node, 'HIPOS');
  return {
    posnr,
    hipos: hipos === undefined || /^0+$/.test(hipos) ? undefined : hipos,
    line: {
      lineNumber: posnr,
      item: {
        partNumber: alphaOut(matnr),
        scheme: ctx.options.materialScheme,
        ...(Object.keys(otherNumbers).length > 0 ? { otherNumbers } : {}),
        ...(description ? { description } : {}),
      },
      quantity,
      uom: hubUnit(uom, ctx.options.units),
      ...(po ? { poNumber: po } : {}),
      ...(serials.length > 0 ? { serials } : {}),
      ...(lot ? { lot } : {}),
    },
  };
}

/**
 * A batch split sends the main item and, below it (HIPOS = its POSNR), one item per batch
 * of the same material. The batch items replace the main item, so the quantity is counted
 * once and every batch becomes a lot. Items below a different material (BOM components)
 * are plain lines.
 */
function resolveBatchSplits(items: Item[]): Line[] {
  const byPosnr = new Map(items.map((i) => [i.posnr, i]));
  const isSplitChild = (i: Item): boolean => {
    const parent = i.hipos === undefined ? undefined : byPosnr.get(i.hipos);
    return (
      parent !== undefined &&
      parent !== i &&
      parent.line.item.partNumber === i.line.item.partNumber &&
      i.line.lot !== undefined
    );
  };
  const splitParents = new Set(items.filter(isSplitChild).map((i) => i.hipos));
  return items
    .filter((i) => !splitParents.has(i.posnr))
    .map((i) => {
      const parent = isSplitChild(i) && i.hipos !== undefined ? byPosnr.get(i.hipos) : undefined;
      const inheritedPo = parent?.line.poNumber;
      return i.line.poNumber === undefined && inheritedPo !== undefined
        ? { ...i.line, poNumber: inheritedPo }
        : i.line;
    });
}

/**
 * DELVRY (03, 05, 07 and extensions) sent as a despatch advice to `ship.notice`, one message
 * per E1EDL20. The shipment id is VBELN (ALPHA rule), parties come from E1ADRM1, dates from
 * E1EDT13, lines from E1EDL24 with PO number (E1EDL41 BSTNR, else E1EDL43 QUALF V), batch
 * (CHARG) as lot and serial numbers (E1EDL11 SERNR). A deleted delivery (E1EDL18 DEL) is
 * refused. Handling units (E1EDL37) have no canonical home and are not mapped.
 */
export function mapDelvry(idoc: XmlNode, ctx: IdocContext): ShipNotice[] {
  const deliveries = children(idoc, 'E1EDL20');
  if (deliveries.length === 0) {
    ctx.report(
      'IDOC_MISSING_SEGMENT',
      'E1EDL20',
      undefined,
      'is missing: a DELVRY IDoc needs the delivery header',
    );
    return [];
  }
  const out: ShipNotice[] = [];
  for (const header of deliveries) {
    const before = ctx.issues.length;
    const vbeln = ctx.required(header, 'E1EDL20', 'VBELN');
    if (children(header, 'E1EDL18').some((c) => field(c, 'QUALF') === 'DEL')) {
      ctx.report(
        'IDOC_DELETION_NOT_SUPPORTED',
        'E1EDL18',
        'QUALF',
        `deletes delivery ${vbeln ?? '?'}; deletions are not mapped`,
      );
    }
    const dates = children(header, 'E1EDT13');
    const shipDate = deadline(ctx, dates, GOODS_ISSUE);
    const expectedDeliveryDate = deadline(ctx, dates, DELIVERY_DATE);
    const parties = children(header, 'E1ADRM1')
      .map(party)
      .filter((p): p is Party => p !== undefined);
    const carrierParty = parties.find((p) => p.role === 'carrier');
    const carrier = carrierParty?.name ?? carrierParty?.id;
    const trackingNumber = field(header, 'BOLNR');
    const items = children(header, 'E1EDL24')
      .map((node) => mapItem(ctx, node))
      .filter((i): i is Item => i !== undefined);
    if (ctx.issues.length > before || vbeln === undefined) continue;
    out.push({
      type: 'ship.notice',
      shipmentId: alphaOut(vbeln),
      ...(shipDate ? { shipDate } : {}),
      ...(expectedDeliveryDate ? { expectedDeliveryDate } : {}),
      ...(carrier ? { carrier } : {}),
      ...(trackingNumber ? { trackingNumber } : {}),
      parties,
      lines: resolveBatchSplits(items),
    });
  }
  return out;
}
