// The lab twin's public surface: what the drivers (backfill, live streaming, `ils simulate`) and the
// evaluations import. docs/simulator.md documents the model, the parameters and the formats.

export { simulate, runSimulation, type Simulation, type SimulateOptions } from './simulate.ts';
export {
  defaultSimConfig,
  resolveSimConfig,
  validateSimConfig,
  sizeStationUnits,
  STATION_CODES,
  LENS_TYPES,
  LENS_MATERIALS,
  COATINGS,
  ISSUE_TYPES,
  UNIT_STATES,
  TELEMETRY_METRICS,
  type SimConfig,
  type ResolvedSimConfig,
  type DeepPartial,
  type StationConfig,
  type EquipmentConfig,
  type StationCode,
  type LensType,
  type LensMaterial,
  type Coating,
  type IssueType,
  type UnitState,
  type TelemetryMetric,
} from './config.ts';
export type * from './sim-events.ts';
export {
  groundTruthToJson,
  groundTruthJsonChunks,
  iterateStateIntervals,
  type GroundTruth,
  type DailyDemandTruth,
  type SurgeTruth,
  type DriftTruth,
  type FailureTruth,
  type AvertedDegradationTruth,
  type MaintenanceTruth,
  type HourlyBottleneckTruth,
  type StateIntervals,
  type HourlyStateMinutes,
  type OrderOutcomeTruth,
} from './ground-truth.ts';
export { measureBottleneckSensitivity, type SensitivityOptions, type SensitivityResult, type SensitivityBucket } from './bottleneck-sensitivity.ts';
export { activePeriodBottlenecks, type ApmResult } from './bottleneck-truth.ts';
export { checkEventStream, type StreamCheckResult } from './stream-check.ts';
export { createRng, Rng, AliasTable } from './rng.ts';
