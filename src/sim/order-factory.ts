// One order's attributes: product mix, a valid prescription, customer, priority, promise date, price.
// Each order draws from its own forked stream (keyed by its index), so its attributes do not depend on
// anything else in the run.

import { AliasTable, type Rng } from './rng.ts';
import {
  COATINGS,
  LENS_MATERIALS,
  LENS_TYPES,
  type Coating,
  type LensMaterial,
  type LensType,
  type ProductConfig,
} from './config.ts';
import type { Rx, RxEye } from './sim-events.ts';

export interface OrderDraw {
  lensType: LensType;
  lensMaterial: LensMaterial;
  materialIdx: number;
  coating: Coating;
  hot: boolean;
  customerIdx: number;
  rx: Rx;
  /** Price before rounding to cents. */
  price: number;
}

export class OrderFactory {
  private readonly lensTypeTable: AliasTable;
  private readonly materialTable: AliasTable;
  private readonly coatingTable: AliasTable;
  private readonly customerTable: AliasTable;
  private readonly discounts: Float64Array;
  readonly customerIds: string[];

  constructor(
    private readonly cfg: ProductConfig,
    rng: Rng,
  ) {
    this.lensTypeTable = new AliasTable(LENS_TYPES.map((t) => cfg.lensType[t]));
    this.materialTable = new AliasTable(LENS_MATERIALS.map((m) => cfg.lensMaterial[m]));
    this.coatingTable = new AliasTable(COATINGS.map((c) => cfg.coating[c]));
    const n = Math.max(1, cfg.customers.count);
    // Zipf: a few big accounts (chains) and a long tail of independent practices.
    const weights = Array.from({ length: n }, (_, k) => 1 / Math.pow(k + 1, cfg.customers.zipfExponent));
    this.customerTable = new AliasTable(weights);
    const width = Math.max(4, String(n).length);
    this.customerIds = Array.from({ length: n }, (_, k) => `ECP-${String(k + 1).padStart(width, '0')}`);
    const dr = rng.fork('account-discounts');
    this.discounts = Float64Array.from({ length: n }, () =>
      dr.between(cfg.price.accountDiscount.min, cfg.price.accountDiscount.max),
    );
  }

  draw(rng: Rng): OrderDraw {
    const lensType = LENS_TYPES[this.lensTypeTable.sample(rng)];
    const materialIdx = this.materialTable.sample(rng);
    const lensMaterial = LENS_MATERIALS[materialIdx];
    const coating = COATINGS[this.coatingTable.sample(rng)];
    const hot = rng.uniform() < this.cfg.hotShare;
    const customerIdx = this.customerTable.sample(rng);
    const rx = drawRx(rng, lensType !== 'single_vision');
    const p = this.cfg.price;
    const list = p.lensType[lensType] + p.lensMaterial[lensMaterial] + p.coating[coating] + (hot ? p.hotSurcharge : 0);
    return { lensType, lensMaterial, materialIdx, coating, hot, customerIdx, rx, price: list * this.discounts[customerIdx] };
  }
}

function quarter(x: number): number {
  const r = Math.round(x * 4) / 4;
  return r === 0 ? 0 : r; // no -0 in the payload
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function drawAxis(rng: Rng): number {
  // Most astigmatism is with-the-rule (axis near 180) or against-the-rule (near 90) [inf].
  const u = rng.uniform();
  let a: number;
  if (u < 0.55) a = 180 + rng.normal(0, 12);
  else if (u < 0.8) a = 90 + rng.normal(0, 12);
  else a = rng.between(1, 181);
  a = Math.round(a);
  a = ((a - 1) % 180 + 180) % 180 + 1; // wrap into 1..180
  return a;
}

/**
 * A prescription a lab would accept: sphere/cylinder on 0.25 D steps within ±12/−4 D, minus-cylinder
 * with an integer axis 1..180 exactly when cylinder ≠ 0, add 0.75..3.50 for multifocals, PD 52–76 mm.
 * Myopes outnumber hyperopes about 2:1 among spectacle wearers [inf].
 */
export function drawRx(rng: Rng, multifocal: boolean): Rx {
  const myope = rng.uniform() < 0.68;
  const sphereOd = quarter(clamp(myope ? rng.normal(-2.25, 2.0) : rng.normal(1.5, 1.2), -12, 8));
  const sphereOs = quarter(clamp(sphereOd + rng.normal(0, 0.35), -12, 8));
  const astig = rng.uniform() < 0.7;
  const cylOd = astig ? quarter(clamp(-Math.abs(rng.normal(0, 0.9)) - 0.25, -4, -0.25)) : 0;
  const cylOs = astig ? quarter(clamp(cylOd + rng.normal(0, 0.25), -4, -0.25)) : 0;
  const add = multifocal ? quarter(clamp(rng.normal(2.0, 0.55), 0.75, 3.5)) : undefined;
  const od: RxEye = { sphere: sphereOd, cylinder: cylOd };
  const os: RxEye = { sphere: sphereOs, cylinder: cylOs };
  if (cylOd !== 0) od.axis = drawAxis(rng);
  if (cylOs !== 0) {
    // The fellow eye's axis is roughly mirror-symmetric to the first.
    const mirrored = od.axis !== undefined ? 181 - od.axis + Math.round(rng.normal(0, 6)) : drawAxis(rng);
    os.axis = ((mirrored - 1) % 180 + 180) % 180 + 1;
  }
  if (add !== undefined) {
    od.add = add;
    os.add = add;
  }
  const pd = Math.round(clamp(rng.normal(63, 3.5), 52, 76) * 2) / 2;
  return { od, os, pd };
}
