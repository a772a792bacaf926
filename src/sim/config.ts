// SimConfig: every parameter of the lab twin, with documented defaults (docs/simulator.md explains each
// one and its source). Numbers marked [inf] are our inference where no public figure exists
// (DOMAIN.md §5 says so for in-lab breakage, for instance); they are starting points, not measurements.

export const STATION_CODES = ['surfacing', 'coating', 'edging', 'quality_check', 'shipping'] as const;
export type StationCode = (typeof STATION_CODES)[number];

export const LENS_TYPES = ['single_vision', 'progressive', 'bifocal', 'trifocal'] as const;
export type LensType = (typeof LENS_TYPES)[number];

export const LENS_MATERIALS = [
  'cr39',
  'polycarbonate',
  'trivex',
  'high_index_160',
  'high_index_167',
  'high_index_174',
  'glass',
] as const;
export type LensMaterial = (typeof LENS_MATERIALS)[number];

export const COATINGS = ['none', 'hard_coat', 'anti_reflective', 'blue_light', 'photochromic', 'mirror'] as const;
export type Coating = (typeof COATINGS)[number];

export const ISSUE_TYPES = [
  'surface_defect',
  'coating_defect',
  'measurement_error',
  'material_defect',
  'processing_error',
  'other',
] as const;
export type IssueType = (typeof ISSUE_TYPES)[number];

/** Unit states (ANALYTICS.md "Bottlenecks": working, down, setup, starved, blocked) plus off_shift. */
export const UNIT_STATES = ['working', 'down', 'setup', 'starved', 'blocked', 'off_shift'] as const;
export type UnitState = (typeof UNIT_STATES)[number];

export const TELEMETRY_METRICS = ['vibration', 'temperature', 'power', 'cycle_count'] as const;
export type TelemetryMetric = (typeof TELEMETRY_METRICS)[number];

/** A positive duration in minutes (or hours where the field says so), drawn per occurrence. */
export interface DurationSpec {
  dist: 'lognormal' | 'gamma';
  mean: number;
  cv: number;
}

export interface RangeSpec {
  min: number;
  max: number;
}

/** A weekly shift in lab-local time (the simulator's clock is UTC: give the org timezone UTC). */
export interface ShiftSpec {
  name: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: number[];
  /** 'HH:MM'; `end` may be '24:00'; a shift does not cross midnight (split it in two instead). */
  start: string;
  end: string;
}

export interface BatchSpec {
  /** Jobs (pairs of lenses) per chamber load. */
  capacity: number;
  /** A partial batch starts once its oldest job has waited this long. */
  timeoutMinutes: number;
}

export interface TelemetryProfile {
  /** Vibration, mm/s RMS: baseline when working, noise sd, rise reached at the end of a degradation. */
  vibration: { base: number; sd: number; rise: number };
  /** Temperature, °C: baseline when working, noise sd, rise at failure, drop when idle. */
  temperature: { base: number; sd: number; rise: number; idleDrop: number };
  /** Power, kW: working, idle (starved/blocked/setup), relative noise sd, relative rise at failure. */
  power: { working: number; idle: number; relSd: number; relRise: number };
  /** Error events per on-shift hour when healthy, and the multiplier during a precursor. */
  errorRatePerHour: number;
  precursorErrorMultiplier: number;
  /** Error codes emitted when healthy (uniformly) and the code tied to the wear failure mode. */
  errorCodes: string[];
  precursorErrorCode: string;
}

export interface EquipmentConfig {
  /** Equipment ids are `${idPrefix}-${n}` (SURF-1 …); one machine per parallel unit. */
  idPrefix: string;
  name: string;
  model: string;
  /** Wear-out failures: Weibull(shape, scale) in calendar hours since the last renewal (PM or repair). */
  wear: { weibullShape: number; weibullScaleHours: number; precursorLeadHours: RangeSpec; failureCode: string } | null;
  /** Failures without warning: exponential with this mean (calendar hours). */
  randomMtbfHours: number | null;
  randomFailureCodes: string[];
  /** Time to repair (MTTR), hours. */
  repairHours: DurationSpec;
  /** Preventive maintenance: every intervalDays per machine (staggered), starting at the shift start. */
  maintenance: { intervalDays: number; durationHours: DurationSpec } | null;
  telemetry: TelemetryProfile;
}

export interface StationConfig {
  name: string;
  /** Machines or benches working at once; 'auto' sizes it for the demand (see sizeStationUnits). */
  parallelUnits: number | 'auto';
  /** Utilization the auto sizing aims at, and what the lead reports to PUT /api/stations. */
  targetUtilization: number;
  /** Time per job (a batch station: per chamber cycle), minutes. */
  processMinutes: DurationSpec;
  /** Setup before each cycle (load/pump-down of a batch chamber), minutes; null = none. */
  setupMinutes: DurationSpec | null;
  batch: BatchSpec | null;
  /** Jobs allowed to wait in front of the station; null = unlimited. When full, upstream units block. */
  bufferCapacity: number | null;
  shifts: ShiftSpec[];
  /** Where a job rejected here restarts: 'route_start' (a remake from a new blank) or a station code. */
  restartStation: StationCode | 'route_start';
  /** What-if lever: process and setup times are divided by this (1.1 = 10 % faster). */
  capacityMultiplier: number;
  /** Base reject (breakage) probability per job visit, before material and drift multipliers. */
  rejectRate: number;
  /** Issue types of rejects at this station (weights). */
  issueTypes: Partial<Record<IssueType, number>>;
  staffRoles: string[];
  /** Operator id prefix on scans (`${operatorPrefix}-${shift letter}${unit}`). */
  operatorPrefix: string;
  equipment: EquipmentConfig;
}

export interface SurgeConfig {
  /** Promotion episodes per year (Poisson). */
  perYear: number;
  durationDays: RangeSpec;
  multiplier: RangeSpec;
}

export interface DemandConfig {
  /** Mean orders per day over an ordinary week, at the start date, before month factors. */
  ordersPerDay: number;
  /** Linear growth per year (0.05 = +5 %/year). */
  trendPerYear: number;
  /** Monday … Sunday factors; normalized to mean 1 when used. */
  weekly: number[];
  /** January … December factors; normalized to mean 1 when used. */
  monthly: number[];
  /** Day-to-day extra variation (gamma-Poisson): the realized count has CV² = 1/λ + dailyNoiseCv². */
  dailyNoiseCv: number;
  /** Demand on a lab closure day relative to an ordinary day (ECPs closed too). */
  holidayDemandFactor: number;
  surges: SurgeConfig;
  /** Arrival weights by hour of day 0..23 (lab-local = UTC). */
  intradayProfile: number[];
  /** Probability an ECP cancels an order before production starts. */
  customerCancelProbability: number;
  /** Delay of a customer cancellation after order entry, hours. */
  customerCancelAfterHours: RangeSpec;
}

export interface ProductConfig {
  lensType: Record<LensType, number>;
  lensMaterial: Record<LensMaterial, number>;
  coating: Record<Coating, number>;
  hotShare: number;
  /** ECP accounts `ECP-0001`…; order shares follow a Zipf law with this exponent. */
  customers: { count: number; zipfExponent: number };
  /** Promised turnaround, lab working days, by lens type; hot jobs get hotDueDays. */
  dueDays: Record<LensType, number>;
  hotDueDays: number;
  /** Hour of day (UTC) the promise falls due. */
  dueHour: number;
  /** Price of a pair = (lensType + material + coating [+ hot]) × the account's discount factor. */
  price: {
    lensType: Record<LensType, number>;
    lensMaterial: Record<LensMaterial, number>;
    coating: Record<Coating, number>;
    hotSurcharge: number;
    accountDiscount: RangeSpec;
  };
}

export interface QualityConfig {
  /** Reject probability multiplier by lens material (applies at every station). */
  materialMultiplier: Record<LensMaterial, number>;
  /** After this many rejects the order is cancelled instead of remade again. */
  maxRemakes: number;
  /** Remakes jump the queue like hot jobs. */
  expediteRemakes: boolean;
  /** Lens side of a reject: R, L or both. */
  lensSide: { R: number; L: number; B: number };
}

export interface DriftConfig {
  /** Quality drift episodes per year, by station (Poisson). */
  episodesPerYear: Record<StationCode, number>;
  durationHours: DurationSpec;
  rejectMultiplier: RangeSpec;
  processTimeMultiplier: RangeSpec;
  /** Share of episodes that hit one machine (e.g. one chamber out of spec) rather than the station. */
  unitScopedShare: number;
  /** A machine-scoped episode also warms that machine by this much (°C): its telemetry signature. */
  temperatureOffset: number;
}

export interface ShippingConfig {
  carriers: Record<string, number>;
  /** Ship → delivered ('complete'), hours. */
  transitHours: RangeSpec;
}

export interface SimConfig {
  /** First simulated day, 'YYYY-MM-DD' (00:00 UTC). */
  startDate: string;
  days: number;
  /** Lab closures: 'us_federal' (New Year, Memorial Day, Independence Day, Labor Day, Thanksgiving, Christmas) or none. */
  holidays: 'us_federal' | 'none';
  extraClosures: string[];
  demand: DemandConfig;
  products: ProductConfig;
  stations: Record<StationCode, StationConfig>;
  quality: QualityConfig;
  drift: DriftConfig;
  shipping: ShippingConfig;
  telemetry: { intervalMinutes: number; enabled: boolean };
  orderNumberPrefix: string;
  output: {
    /** Also stream { kind: 'state' } unit-state changes (off by default; the truth has the intervals). */
    stateEvents: boolean;
  };
  truth: {
    /** Keep every unit-state interval in the ground truth (≈ 20 bytes each in memory). */
    stateIntervals: boolean;
  };
}

/** A config whose station sizes are numbers. */
export type ResolvedSimConfig = Omit<SimConfig, 'stations'> & {
  stations: Record<StationCode, StationConfig & { parallelUnits: number }>;
};

export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | null }
    : T;

// Two production shifts Mon–Fri and a Saturday morning: a mid-size wholesale lab (DOMAIN.md §5 puts
// mid-size at ~300–2,000 jobs/day; the small lab there runs one 8-h shift, Costco San Diego 24/7).
const PRODUCTION_SHIFTS: ShiftSpec[] = [
  { name: 'A', days: [1, 2, 3, 4, 5], start: '06:00', end: '14:00' },
  { name: 'B', days: [1, 2, 3, 4, 5], start: '14:00', end: '22:00' },
  { name: 'A', days: [6], start: '06:00', end: '14:00' },
];
// Shipping follows the carriers' pick-ups: it starts later and ends with the last pick-up [inf].
const SHIPPING_SHIFTS: ShiftSpec[] = [
  { name: 'A', days: [1, 2, 3, 4, 5], start: '08:00', end: '15:00' },
  { name: 'B', days: [1, 2, 3, 4, 5], start: '15:00', end: '22:00' },
  { name: 'A', days: [6], start: '08:00', end: '14:00' },
];

function baseStations(): Record<StationCode, StationConfig> {
  return {
    surfacing: {
      name: 'Surfacing',
      parallelUnits: 'auto',
      targetUtilization: 0.8,
      // A surfacing cell (block, generate, polish, engrave, deblock) paced by its digital generator:
      // ~30 lenses/h → a pair every ~4 min [inf from "a job every minute or more" for a whole lab, DOMAIN §5].
      processMinutes: { dist: 'lognormal', mean: 4, cv: 0.3 },
      setupMinutes: null,
      batch: null,
      bufferCapacity: null,
      shifts: PRODUCTION_SHIFTS,
      restartStation: 'route_start',
      capacityMultiplier: 1,
      rejectRate: 0.02,
      issueTypes: { surface_defect: 0.6, material_defect: 0.2, processing_error: 0.2 },
      staffRoles: ['lab_tech'],
      operatorPrefix: 'OP-SURF',
      equipment: {
        idPrefix: 'SURF',
        name: 'Surfacing generator',
        model: 'SIM-GEN-300',
        // β 2.2, η 1,200 h: with PM every 28 days (672 h) ~24 % of PM cycles end in a wear failure
        // (1 − exp(−(672/1200)^2.2)) ≈ 3 per machine-year, plus ~1 random one: wear-dominated, so the
        // 48-h failure-risk evaluation has labelled precursors to learn from [inf].
        wear: {
          weibullShape: 2.2,
          weibullScaleHours: 1200,
          precursorLeadHours: { min: 24, max: 120 },
          failureCode: 'SPINDLE_BEARING',
        },
        randomMtbfHours: 8000,
        randomFailureCodes: ['ELECTRICAL', 'CONTROLLER_FAULT'],
        repairHours: { dist: 'lognormal', mean: 4, cv: 0.6 },
        maintenance: { intervalDays: 28, durationHours: { dist: 'lognormal', mean: 2, cv: 0.3 } },
        telemetry: {
          // ISO 10816-3 zones for medium machines: A/B < 2.8 mm/s, C 2.8–7.1, D > 7.1.
          vibration: { base: 2.0, sd: 0.15, rise: 3.5 },
          temperature: { base: 42, sd: 0.8, rise: 12, idleDrop: 6 },
          power: { working: 6.5, idle: 1.8, relSd: 0.05, relRise: 0.12 },
          errorRatePerHour: 0.01,
          precursorErrorMultiplier: 8,
          errorCodes: ['E101_DOOR_INTERLOCK', 'E305_COOLANT_LOW', 'E410_TOOL_WEAR'],
          precursorErrorCode: 'E210_SPINDLE_OVERLOAD',
        },
      },
    },
    coating: {
      name: 'Coating',
      parallelUnits: 'auto',
      targetUtilization: 0.85,
      // One AR vacuum chamber cycle ≈ 100 min for a load of 100 lenses (50 jobs) [inf]; hard coat is
      // folded into the same station.
      processMinutes: { dist: 'lognormal', mean: 100, cv: 0.08 },
      setupMinutes: { dist: 'lognormal', mean: 15, cv: 0.25 },
      batch: { capacity: 50, timeoutMinutes: 45 },
      bufferCapacity: null,
      shifts: PRODUCTION_SHIFTS,
      restartStation: 'route_start',
      capacityMultiplier: 1,
      rejectRate: 0.018,
      issueTypes: { coating_defect: 0.85, material_defect: 0.1, other: 0.05 },
      staffRoles: ['lab_tech'],
      operatorPrefix: 'OP-COAT',
      equipment: {
        idPrefix: 'COAT',
        name: 'AR coating chamber',
        model: 'SIM-VAC-1200',
        wear: {
          weibullShape: 2.5,
          weibullScaleHours: 1000,
          precursorLeadHours: { min: 24, max: 120 },
          failureCode: 'VACUUM_PUMP',
        },
        randomMtbfHours: 10000,
        randomFailureCodes: ['E_BEAM_GUN', 'CONTROLLER_FAULT'],
        repairHours: { dist: 'lognormal', mean: 6, cv: 0.6 },
        // Chambers need frequent cleaning and shield changes: every 14 days, ~4 h [inf].
        maintenance: { intervalDays: 14, durationHours: { dist: 'lognormal', mean: 4, cv: 0.3 } },
        telemetry: {
          vibration: { base: 1.2, sd: 0.1, rise: 2.5 },
          temperature: { base: 55, sd: 1.0, rise: 10, idleDrop: 10 },
          power: { working: 18, idle: 4, relSd: 0.04, relRise: 0.1 },
          errorRatePerHour: 0.01,
          precursorErrorMultiplier: 8,
          errorCodes: ['E120_PRESSURE_SLOW', 'E330_CRYSTAL_RATE', 'E101_DOOR_INTERLOCK'],
          precursorErrorCode: 'E220_PUMP_CURRENT_HIGH',
        },
      },
    },
    edging: {
      name: 'Edging',
      parallelUnits: 'auto',
      targetUtilization: 0.75,
      // Trace, edge, mount: ~3.5 min per pair on an automated edger [inf].
      processMinutes: { dist: 'lognormal', mean: 3.5, cv: 0.35 },
      setupMinutes: null,
      batch: null,
      bufferCapacity: null,
      shifts: PRODUCTION_SHIFTS,
      restartStation: 'route_start',
      capacityMultiplier: 1,
      // Finishing spoilage is "typically 30 percent higher than any other department" (labtalk 34309).
      rejectRate: 0.026,
      issueTypes: { processing_error: 0.5, measurement_error: 0.3, material_defect: 0.2 },
      staffRoles: ['lab_tech'],
      operatorPrefix: 'OP-EDGE',
      equipment: {
        idPrefix: 'EDGE',
        name: 'Edger',
        model: 'SIM-EDG-7',
        wear: {
          weibullShape: 2.2,
          weibullScaleHours: 1400,
          precursorLeadHours: { min: 24, max: 120 },
          failureCode: 'SPINDLE',
        },
        randomMtbfHours: 9000,
        randomFailureCodes: ['CLAMP', 'CONTROLLER_FAULT'],
        repairHours: { dist: 'lognormal', mean: 3, cv: 0.6 },
        maintenance: { intervalDays: 28, durationHours: { dist: 'lognormal', mean: 1.5, cv: 0.3 } },
        telemetry: {
          vibration: { base: 1.6, sd: 0.15, rise: 3.0 },
          temperature: { base: 38, sd: 0.7, rise: 10, idleDrop: 5 },
          power: { working: 2.5, idle: 0.6, relSd: 0.05, relRise: 0.12 },
          errorRatePerHour: 0.01,
          precursorErrorMultiplier: 8,
          errorCodes: ['E102_TRACE_FAIL', 'E305_COOLANT_LOW', 'E410_WHEEL_WEAR'],
          precursorErrorCode: 'E211_SPINDLE_LOAD',
        },
      },
    },
    quality_check: {
      name: 'Quality check',
      parallelUnits: 'auto',
      targetUtilization: 0.7,
      // Lens mapping + cosmetic inspection against ANSI Z80.1 tolerances: ~2 min per pair [inf].
      processMinutes: { dist: 'lognormal', mean: 2, cv: 0.5 },
      setupMinutes: null,
      batch: null,
      bufferCapacity: null,
      shifts: PRODUCTION_SHIFTS,
      restartStation: 'route_start',
      capacityMultiplier: 1,
      rejectRate: 0.015,
      issueTypes: { measurement_error: 0.4, surface_defect: 0.3, coating_defect: 0.2, other: 0.1 },
      staffRoles: ['lab_tech'],
      operatorPrefix: 'OP-QC',
      equipment: {
        idPrefix: 'QC',
        name: 'Lens mapper',
        model: 'SIM-MAP-40',
        wear: null,
        randomMtbfHours: 12000,
        randomFailureCodes: ['SENSOR', 'CONTROLLER_FAULT'],
        repairHours: { dist: 'lognormal', mean: 1.5, cv: 0.6 },
        maintenance: { intervalDays: 56, durationHours: { dist: 'lognormal', mean: 1, cv: 0.3 } },
        telemetry: {
          vibration: { base: 0.3, sd: 0.05, rise: 0.6 },
          temperature: { base: 30, sd: 0.5, rise: 5, idleDrop: 2 },
          power: { working: 0.4, idle: 0.2, relSd: 0.05, relRise: 0.1 },
          errorRatePerHour: 0.005,
          precursorErrorMultiplier: 8,
          errorCodes: ['E140_CALIBRATION_DRIFT', 'E150_LIGHT_SOURCE'],
          precursorErrorCode: 'E140_CALIBRATION_DRIFT',
        },
      },
    },
    shipping: {
      name: 'Shipping',
      parallelUnits: 'auto',
      targetUtilization: 0.6,
      processMinutes: { dist: 'lognormal', mean: 1.2, cv: 0.5 },
      setupMinutes: null,
      batch: null,
      bufferCapacity: null,
      shifts: SHIPPING_SHIFTS,
      restartStation: 'route_start',
      capacityMultiplier: 1,
      rejectRate: 0.001,
      issueTypes: { other: 0.7, processing_error: 0.3 },
      staffRoles: ['lab_tech'],
      operatorPrefix: 'OP-SHIP',
      equipment: {
        idPrefix: 'SHIP',
        name: 'Packing and label station',
        model: 'SIM-PACK-2',
        wear: null,
        randomMtbfHours: 12000,
        randomFailureCodes: ['PRINTER_JAM', 'SCALE_FAULT'],
        repairHours: { dist: 'lognormal', mean: 1, cv: 0.6 },
        maintenance: null,
        telemetry: {
          vibration: { base: 0.5, sd: 0.08, rise: 1.0 },
          temperature: { base: 28, sd: 0.5, rise: 4, idleDrop: 1 },
          power: { working: 0.8, idle: 0.3, relSd: 0.05, relRise: 0.1 },
          errorRatePerHour: 0.005,
          precursorErrorMultiplier: 8,
          errorCodes: ['E160_LABEL_MISREAD', 'E170_PRINTER_RIBBON'],
          precursorErrorCode: 'E170_PRINTER_RIBBON',
        },
      },
    },
  };
}

function baseConfig(): SimConfig {
  return {
    startDate: '2025-01-06',
    days: 365,
    holidays: 'us_federal',
    extraClosures: [],
    demand: {
      ordersPerDay: 2000,
      trendPerYear: 0.05,
      // ECP practices are open Mon–Sat; Monday carries the weekend's orders [inf].
      weekly: [1.38, 1.28, 1.23, 1.23, 1.17, 0.6, 0.11],
      // Peaks in January (new vision benefits) and August (back to school) [inf].
      monthly: [1.1, 1.02, 1.05, 0.98, 0.97, 0.95, 0.97, 1.08, 1.0, 0.98, 0.95, 0.95],
      dailyNoiseCv: 0.05,
      holidayDemandFactor: 0.15,
      surges: { perYear: 4, durationDays: { min: 3, max: 10 }, multiplier: { min: 1.15, max: 1.45 } },
      // Electronic orders arrive through the practice day (~75 % are electronic, DOMAIN §5).
      intradayProfile: [
        0.4, 0.3, 0.3, 0.3, 0.3, 0.5, 1, 2, 4, 6, 8, 8, 6, 7, 8, 8, 7, 5, 3, 2, 1.5, 1, 0.7, 0.5,
      ],
      customerCancelProbability: 0.003,
      customerCancelAfterHours: { min: 0.5, max: 6 },
    },
    products: {
      lensType: { single_vision: 0.55, progressive: 0.35, bifocal: 0.08, trifocal: 0.02 },
      lensMaterial: {
        cr39: 0.25,
        polycarbonate: 0.3,
        trivex: 0.08,
        high_index_160: 0.17,
        high_index_167: 0.14,
        high_index_174: 0.04,
        glass: 0.02,
      },
      // AR ≈ 75 % (Harvey & Lewis: "75–80 % with AR", DOMAIN §5).
      coating: {
        none: 0.03,
        hard_coat: 0.08,
        anti_reflective: 0.75,
        blue_light: 0.07,
        photochromic: 0.05,
        mirror: 0.02,
      },
      hotShare: 0.05,
      customers: { count: 400, zipfExponent: 0.8 },
      // "In lab < 3 days" at Costco (DOMAIN §5); SV redo turnaround 3.1 d vs progressive 5.7 d [labtalk 38616].
      dueDays: { single_vision: 2, progressive: 3, bifocal: 3, trifocal: 3 },
      hotDueDays: 1,
      dueHour: 17,
      price: {
        lensType: { single_vision: 60, progressive: 180, bifocal: 90, trifocal: 110 },
        lensMaterial: {
          cr39: 0,
          polycarbonate: 20,
          trivex: 35,
          high_index_160: 40,
          high_index_167: 70,
          high_index_174: 120,
          glass: 30,
        },
        coating: { none: 0, hard_coat: 10, anti_reflective: 45, blue_light: 55, photochromic: 80, mirror: 60 },
        hotSurcharge: 25,
        accountDiscount: { min: 0.8, max: 1.0 },
      },
    },
    stations: baseStations(),
    quality: {
      // Harder and brittler materials break more [inf]; glass chips at the edger.
      materialMultiplier: {
        cr39: 1.0,
        polycarbonate: 1.3,
        trivex: 1.1,
        high_index_160: 1.1,
        high_index_167: 1.3,
        high_index_174: 1.6,
        glass: 1.8,
      },
      maxRemakes: 3,
      expediteRemakes: true,
      lensSide: { R: 0.45, L: 0.45, B: 0.1 },
    },
    drift: {
      // "Coating chamber out of spec for two days" is the typical incident; coating drifts most.
      episodesPerYear: { surfacing: 2, coating: 4, edging: 2, quality_check: 0, shipping: 0 },
      durationHours: { dist: 'lognormal', mean: 48, cv: 0.5 },
      rejectMultiplier: { min: 2.5, max: 5 },
      processTimeMultiplier: { min: 1.0, max: 1.2 },
      unitScopedShare: 0.5,
      temperatureOffset: 6,
    },
    shipping: { carriers: { UPS: 0.55, FedEx: 0.3, USPS: 0.15 }, transitHours: { min: 18, max: 72 } },
    telemetry: { intervalMinutes: 15, enabled: true },
    orderNumberPrefix: 'RX',
    output: { stateEvents: false },
    truth: { stateIntervals: true },
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(out[k]) && isPlainObject(v) ? deepMerge(out[k], v) : v;
  }
  return out as T;
}

function normalizedMean1(xs: readonly number[]): number[] {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return xs.map((x) => x / mean);
}

/** Expected visits per order at a station: route share × (1 + expected remakes) [first-order estimate]. */
function expectedVisitsPerOrder(cfg: SimConfig, code: StationCode): number {
  const coated = 1 - cfg.products.coating.none / sumValues(cfg.products.coating);
  const matMult =
    LENS_MATERIALS.reduce((s, m) => s + cfg.products.lensMaterial[m] * cfg.quality.materialMultiplier[m], 0) /
    sumValues(cfg.products.lensMaterial);
  let rejectPerPass = 0;
  for (const s of STATION_CODES) rejectPerPass += cfg.stations[s].rejectRate * matMult * (s === 'coating' ? coated : 1);
  const remakeFactor = 1 / (1 - Math.min(0.5, rejectPerPass));
  return (code === 'coating' ? coated : 1) * remakeFactor;
}

function sumValues(r: Record<string, number>): number {
  return Object.values(r).reduce((s, x) => s + x, 0);
}

export function shiftMinutesPerWeek(shifts: readonly ShiftSpec[]): number {
  let total = 0;
  for (const s of shifts) total += s.days.length * (parseClock(s.end) - parseClock(s.start));
  return total;
}

/** 'HH:MM' → minutes after midnight. */
export function parseClock(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`Invalid clock time '${hhmm}' (expected HH:MM)`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes > 24 * 60 || Number(m[2]) >= 60) throw new Error(`Invalid clock time '${hhmm}'`);
  return minutes;
}

function expectedValue(d: DurationSpec | null): number {
  return d ? d.mean : 0;
}

/**
 * Long-run fraction of shift time a machine is up: 1 − repair share − PM share. PM is done in shift
 * time, so its share is taken of the weekly shift minutes; wear truncated by PM is ignored (conservative).
 */
export function expectedAvailability(eq: EquipmentConfig, shiftMinutesPerWeek: number): number {
  let rate = 0; // failures per hour
  if (eq.wear) {
    const w = eq.wear;
    rate += 1 / (w.weibullScaleHours * gammaFn(1 + 1 / w.weibullShape));
  }
  if (eq.randomMtbfHours) rate += 1 / eq.randomMtbfHours;
  const mttr = eq.repairHours.mean;
  const repairShare = rate > 0 ? (mttr * rate) / (1 + mttr * rate) : 0;
  const pmShare = eq.maintenance
    ? (eq.maintenance.durationHours.mean * 60) / ((eq.maintenance.intervalDays / 7) * shiftMinutesPerWeek)
    : 0;
  return Math.max(0.05, 1 - repairShare - pmShare);
}

/** Lanczos Γ(x) for x > 0 (g = 7, 9 terms; ~15 significant digits). */
export function gammaFn(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gammaFn(1 - x));
  x -= 1;
  let a = c[0];
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (x + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, x + 0.5) * Math.exp(-t) * a;
}

/**
 * Units a station needs so that its weekly load at the busiest month of the horizon sits at
 * targetUtilization of its shift capacity: m = ⌈λ·t_e / (A·u_target)⌉ (ANALYTICS.md "Next 24 h":
 * u = λ·t_e/(m·A)). A batch station's t_e is (setup + cycle) ÷ the batch size it can fill.
 */
export function sizeStationUnits(cfg: SimConfig, code: StationCode): number {
  const st = cfg.stations[code];
  const d = cfg.demand;
  const years = cfg.days / 365;
  const peakMonth = Math.max(...normalizedMean1(d.monthly));
  const ordersPerWeek = d.ordersPerDay * 7 * peakMonth * (1 + Math.max(0, d.trendPerYear) * years);
  const jobsPerWeek = ordersPerWeek * expectedVisitsPerOrder(cfg, code);
  const weekMinutes = shiftMinutesPerWeek(st.shifts);
  if (weekMinutes <= 0) throw new Error(`Station ${code} has no shift hours`);
  const speed = st.capacityMultiplier;
  let minutesPerJob: number;
  if (st.batch) {
    const arrivalsPerMinute = jobsPerWeek / weekMinutes;
    const fill = Math.min(st.batch.capacity, Math.max(1, arrivalsPerMinute * st.batch.timeoutMinutes));
    minutesPerJob = (st.processMinutes.mean + expectedValue(st.setupMinutes)) / speed / fill;
  } else {
    minutesPerJob = (st.processMinutes.mean + expectedValue(st.setupMinutes)) / speed;
  }
  const availability = expectedAvailability(st.equipment, weekMinutes);
  return Math.max(1, Math.ceil((jobsPerWeek * minutesPerJob) / (weekMinutes * availability * st.targetUtilization)));
}

/** Replaces every `parallelUnits: 'auto'` with its sized number. */
export function resolveSimConfig(cfg: SimConfig): ResolvedSimConfig {
  const stations = {} as ResolvedSimConfig['stations'];
  for (const code of STATION_CODES) {
    const st = cfg.stations[code];
    const units = st.parallelUnits === 'auto' ? sizeStationUnits(cfg, code) : st.parallelUnits;
    stations[code] = { ...st, parallelUnits: units };
  }
  return { ...cfg, stations };
}

/**
 * The documented defaults with `overrides` deep-merged in (arrays and null replace; objects merge),
 * station sizes resolved. Unknown keys are rejected so a typo does not silently run the default.
 */
export function defaultSimConfig(overrides: DeepPartial<SimConfig> = {}): ResolvedSimConfig {
  const base = baseConfig();
  rejectUnknownKeys(base, overrides, 'config');
  const merged = deepMerge(base, overrides);
  validateSimConfig(merged);
  return resolveSimConfig(merged);
}

function rejectUnknownKeys(base: unknown, over: unknown, path: string): void {
  if (!isPlainObject(base) || !isPlainObject(over)) return;
  for (const [k, v] of Object.entries(over)) {
    if (!(k in base)) {
      // Open-ended maps (carriers, issue-type weights) may take new keys.
      if (path.endsWith('.carriers') || path.endsWith('.issueTypes')) continue;
      throw new Error(`Unknown simulator option ${path}.${k}`);
    }
    rejectUnknownKeys(base[k], v, `${path}.${k}`);
  }
}

/** Throws a precise error for values the engine cannot run with. */
export function validateSimConfig(cfg: SimConfig): void {
  const fail = (msg: string): never => {
    throw new Error(`Invalid simulator config: ${msg}`);
  };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(cfg.startDate) || Number.isNaN(Date.parse(`${cfg.startDate}T00:00:00Z`))) {
    fail(`startDate '${cfg.startDate}' is not YYYY-MM-DD`);
  }
  if (!(Number.isInteger(cfg.days) && cfg.days > 0)) fail('days must be a positive integer');
  if (!(cfg.demand.ordersPerDay >= 0)) fail('demand.ordersPerDay must be ≥ 0');
  if (cfg.demand.weekly.length !== 7) fail('demand.weekly needs 7 factors (Monday … Sunday)');
  if (cfg.demand.monthly.length !== 12) fail('demand.monthly needs 12 factors');
  if (cfg.demand.intradayProfile.length !== 24) fail('demand.intradayProfile needs 24 hourly weights');
  if (!(cfg.telemetry.intervalMinutes > 0)) fail('telemetry.intervalMinutes must be > 0');
  if (!(cfg.quality.maxRemakes >= 0)) fail('quality.maxRemakes must be ≥ 0');
  for (const code of STATION_CODES) {
    const st = cfg.stations[code];
    if (!st) fail(`station ${code} missing`);
    if (st.parallelUnits !== 'auto' && !(Number.isInteger(st.parallelUnits) && st.parallelUnits >= 1)) {
      fail(`stations.${code}.parallelUnits must be a positive integer or 'auto'`);
    }
    if (!(st.processMinutes.mean > 0 && st.processMinutes.cv > 0)) fail(`stations.${code}.processMinutes needs mean > 0 and cv > 0`);
    if (st.batch && !(st.batch.capacity >= 1 && st.batch.timeoutMinutes >= 0)) fail(`stations.${code}.batch is invalid`);
    if (st.bufferCapacity !== null && !(Number.isInteger(st.bufferCapacity) && st.bufferCapacity >= 1)) {
      fail(`stations.${code}.bufferCapacity must be null or an integer ≥ 1`);
    }
    if (code === STATION_CODES[0] && st.bufferCapacity !== null) {
      fail('the first station cannot have a finite buffer: new orders are never refused');
    }
    if (!(st.rejectRate >= 0 && st.rejectRate < 1)) fail(`stations.${code}.rejectRate must be in [0, 1)`);
    if (!(st.capacityMultiplier > 0)) fail(`stations.${code}.capacityMultiplier must be > 0`);
    for (const s of st.shifts) {
      if (parseClock(s.end) <= parseClock(s.start)) fail(`stations.${code} shift ${s.name} ends before it starts`);
      if (s.days.some((d) => !(Number.isInteger(d) && d >= 1 && d <= 7))) fail(`stations.${code} shift days must be 1..7`);
    }
  }
}
