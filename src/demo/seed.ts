import { writeFileSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runWork } from '../kernel/index.js';
import { createApiKey, ROLES } from '../modules/access/index.js';
import { countParts, createParts, type CreatePartInput } from '../modules/catalog/index.js';
import {
  createLocations,
  createReservation,
  postMovement,
  type CreateLocationInput,
  type MovementInput,
  type StockStatus,
} from '../modules/inventory/index.js';
import { reader } from '../kernel/index.js';
import type { Hub } from '../main.js';
import { seedActivity, type ActivitySummary } from './activity.js';
import { seededRandom, type Random } from '../platform/random.js';
import { AppError } from '../platform/errors.js';

export interface DemoSummary {
  seeded: boolean;
  parts: number;
  locations: number;
  movements: number;
  reservations: number;
  activity: ActivitySummary | null;
  keys: Record<string, string>;
  keysFile: string;
}

const FAMILIES = [
  { name: 'Control board', uom: 'EA', tracking: 'serial', price: 900 },
  { name: 'Power supply 24V', uom: 'EA', tracking: 'serial', price: 320 },
  { name: 'Display assembly', uom: 'EA', tracking: 'serial', price: 610 },
  { name: 'Drive motor', uom: 'EA', tracking: 'serial', price: 780 },
  { name: 'Pump seal kit', uom: 'EA', tracking: 'none', price: 45 },
  { name: 'Bearing 6204-2RS', uom: 'EA', tracking: 'none', price: 12 },
  { name: 'Temperature sensor PT100', uom: 'EA', tracking: 'none', price: 38 },
  { name: 'Pressure transducer', uom: 'EA', tracking: 'none', price: 140 },
  { name: 'Solenoid valve', uom: 'EA', tracking: 'none', price: 95 },
  { name: 'Fan assembly', uom: 'EA', tracking: 'none', price: 60 },
  { name: 'Filter cartridge', uom: 'EA', tracking: 'none', price: 18 },
  { name: 'Relay 24VDC', uom: 'EA', tracking: 'none', price: 9 },
  { name: 'Fuse 5A slow-blow', uom: 'BOX', tracking: 'lot', price: 6 },
  { name: 'O-ring kit NBR', uom: 'EA', tracking: 'lot', price: 4 },
  { name: 'Power cable', uom: 'M', tracking: 'none', price: 3 },
  { name: 'Tubing silicone', uom: 'M', tracking: 'none', price: 2 },
  { name: 'Thermal paste', uom: 'G', tracking: 'lot', price: 1 },
  { name: 'Gasket set', uom: 'EA', tracking: 'none', price: 14 },
  { name: 'Touch panel', uom: 'EA', tracking: 'serial', price: 450 },
  { name: 'Encoder', uom: 'EA', tracking: 'none', price: 120 },
] as const;
const MODELS = [
  'MX-200',
  'MX-350',
  'CT-9',
  'VentaPro 4',
  'AeroLab 2',
  'HemoStat X',
  'Sterilo 60',
  'Imaging U7',
];

const PART_COUNT = 3000;
const REGIONS = [
  { code: 'NORTH', name: 'North', fsls: ['N1', 'N2', 'N3'] },
  { code: 'SOUTH', name: 'South', fsls: ['S1', 'S2', 'S3'] },
];
const VANS_PER_FSL = 4;

function demoLocations(): CreateLocationInput[] {
  const out: CreateLocationInput[] = [
    { code: 'DC-CENTRAL', name: 'Central distribution centre', type: 'central_dc', region: 'NORTH' },
  ];
  for (const region of REGIONS) {
    out.push({
      code: `WH-${region.code}`,
      name: `${region.name} regional warehouse`,
      type: 'regional_warehouse',
      parentCode: 'DC-CENTRAL',
      region: region.code,
    });
    for (const fsl of region.fsls) {
      out.push({
        code: `FSL-${fsl}`,
        name: `Forward stocking location ${fsl}`,
        type: 'forward_stocking_location',
        parentCode: `WH-${region.code}`,
        region: region.code,
      });
      for (let v = 1; v <= VANS_PER_FSL; v++) {
        out.push({
          code: `VAN-${fsl}-${String(v).padStart(2, '0')}`,
          name: `Technician van ${fsl}-${v}`,
          type: 'technician_van',
          parentCode: `FSL-${fsl}`,
          region: region.code,
        });
      }
    }
    out.push({
      code: `RV-${region.code}`,
      name: `${region.name} repair vendor`,
      type: 'repair_vendor',
      region: region.code,
    });
    out.push({
      code: `CS-${region.code}-HOSP`,
      name: `${region.name} General Hospital (customer site)`,
      type: 'customer_site',
      region: region.code,
    });
  }
  return out;
}

function demoParts(rnd: Random): CreatePartInput[] {
  const parts: CreatePartInput[] = [];
  for (let i = 0; i < PART_COUNT; i++) {
    const family = FAMILIES[i % FAMILIES.length] ?? FAMILIES[0];
    const model = MODELS[Math.floor(rnd.next() * MODELS.length)] ?? 'MX-200';
    parts.push({
      partNumber: `SP-${String(100000 + i)}`,
      description: `${family.name} for ${model}`,
      baseUom: family.uom,
      tracking: family.tracking,
    });
  }
  return parts;
}

/** Seeds the demo company once: a network of 2 regions and 24 vans, 3,000 parts, stock in every status, open reservations. */
export async function seedDemo(hub: Hub, options: { keysDir: string }): Promise<DemoSummary> {
  const ctx = hub.systemCtx();
  const keysFile = join(options.keysDir, 'demo-keys.json');
  const existing = await countParts(reader(hub.store, ctx));
  if (existing > 0) {
    const keys = existsSync(keysFile)
      ? (JSON.parse(readFileSync(keysFile, 'utf8')) as Record<string, string>)
      : {};
    return {
      seeded: false,
      parts: existing,
      locations: 0,
      movements: 0,
      reservations: 0,
      activity: null,
      keys,
      keysFile,
    };
  }
  const rnd = seededRandom(20261125);
  const locations = demoLocations();
  const parts = demoParts(rnd);
  await runWork(hub.store, ctx, async (w) => {
    await createLocations(w, locations);
    await createParts(w, parts);
  });

  const movements: MovementInput[] = [];
  let serialSeq = 1;
  const receipt = (
    p: CreatePartInput,
    locationCode: string,
    quantity: number,
    status: StockStatus = 'available',
  ): MovementInput => {
    const base: MovementInput = {
      type: 'receipt',
      partNumber: p.partNumber,
      locationCode,
      quantity,
      status,
      reference: 'DEMO-OPENING-BALANCE',
    };
    if (p.tracking === 'serial')
      base.serials = Array.from({ length: quantity }, () => `SN${String(serialSeq++).padStart(7, '0')}`);
    if (p.tracking === 'lot')
      base.lot = `L${2026}${String(1 + Math.floor(rnd.next() * 52)).padStart(2, '0')}`;
    return base;
  };
  const qty = (p: CreatePartInput, max: number) =>
    p.tracking === 'serial' ? 1 + Math.floor(rnd.next() * 3) : 1 + Math.floor(rnd.next() * max);
  const vans = locations.filter((l) => l.type === 'technician_van').map((l) => l.code);
  const fsls = locations.filter((l) => l.type === 'forward_stocking_location').map((l) => l.code);

  parts.forEach((p, i) => {
    movements.push(receipt(p, 'DC-CENTRAL', qty(p, 200)));
    if (i % 2 === 0) movements.push(receipt(p, 'WH-NORTH', qty(p, 60)));
    if (i % 2 === 1) movements.push(receipt(p, 'WH-SOUTH', qty(p, 60)));
    if (i % 10 === 0) movements.push(receipt(p, fsls[i % fsls.length] ?? 'FSL-N1', qty(p, 15)));
    if (i % 25 === 0) movements.push(receipt(p, 'WH-NORTH', qty(p, 3), 'loaner'));
    if (i % 31 === 0)
      movements.push(receipt(p, `RV-${i % 2 ? 'SOUTH' : 'NORTH'}`, qty(p, 4), 'repair_in_process'));
    if (i % 37 === 0)
      movements.push(receipt(p, `CS-${i % 2 ? 'SOUTH' : 'NORTH'}-HOSP`, qty(p, 5), 'consigned'));
    if (i % 41 === 0) movements.push(receipt(p, 'WH-SOUTH', qty(p, 3), 'defective'));
    if (i % 43 === 0) movements.push(receipt(p, 'WH-NORTH', qty(p, 10), 'in_transit'));
    if (i % 97 === 0) movements.push(receipt(p, 'DC-CENTRAL', qty(p, 5), 'quarantine'));
  });
  // Each van carries the 40 fast movers its FSL stocks, give or take.
  const fastMovers = parts.filter((p) => p.tracking === 'none' && p.baseUom === 'EA').slice(0, 200);
  vans.forEach((van, v) => {
    for (let k = 0; k < 40; k++) {
      const p = fastMovers[(v * 7 + k * 3) % fastMovers.length];
      if (p) movements.push(receipt(p, van, 1 + Math.floor(rnd.next() * 4)));
    }
  });
  // Van stock aggregates duplicates per part; merge to one receipt per part and van.
  const merged = new Map<string, MovementInput>();
  for (const m of movements) {
    const key = `${m.partNumber}|${m.locationCode}|${m.status}`;
    const prior = merged.get(key);
    if (prior && !prior.serials && !prior.lot) prior.quantity += m.quantity;
    else if (!prior) merged.set(key, m);
  }
  const all = [...merged.values()];
  for (let i = 0; i < all.length; i += 500) {
    await runWork(hub.store, ctx, async (w) => {
      for (const m of all.slice(i, i + 500)) await postMovement(w, m);
    });
  }

  // Open demand: field service jobs at FSLs and vans, transfers at the DC.
  let reservations = 0;
  await runWork(hub.store, ctx, async (w) => {
    for (let j = 0; j < 200; j++) {
      const m = all[Math.floor(rnd.next() * all.length)];
      if (!m || m.status !== 'available' || m.quantity < 2) continue;
      const field = m.locationCode.startsWith('VAN') || m.locationCode.startsWith('FSL') || j % 3 !== 0;
      try {
        await createReservation(w, {
          partNumber: m.partNumber,
          locationCode: m.locationCode,
          quantity: 1,
          demandType: field ? 'field_service' : 'internal_transfer',
          priority: 1 + Math.floor(rnd.next() * 5),
          demandRef: field ? `WO-${String(50000 + j)}` : `TO-${String(9000 + j)}`,
        });
        reservations++;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
      }
    }
  });

  const keys: Record<string, string> = {};
  await runWork(hub.store, ctx, async (w) => {
    for (const role of ROLES) {
      const { key } = await createApiKey(w, hub.random, { role, name: `demo ${role}` });
      keys[role] = key;
    }
  });
  const activity = await seedActivity(
    hub,
    keys.admin ?? '',
    rnd,
    // demoParts takes the families in turn: part i is of family i mod their number.
    parts.map((p, i) => ({
      partNumber: p.partNumber,
      price: FAMILIES[i % FAMILIES.length]?.price ?? 0,
      tracking: p.tracking ?? 'none',
      baseUom: p.baseUom,
    })),
    vans,
  );
  mkdirSync(options.keysDir, { recursive: true });
  writeFileSync(keysFile, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return {
    seeded: true,
    parts: parts.length,
    locations: locations.length,
    movements: all.length,
    reservations,
    activity,
    keys,
    keysFile,
  };
}
