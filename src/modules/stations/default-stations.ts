// The five stations of the seed's lab, which every new organization starts with (CONTRACT §3).
// Values are starting points a lab manager is expected to edit, chosen from DOMAIN §5:
// - one 8.5 h day shift Mon–Fri (a small retail-chain lab runs "one 8-h shift", HL-lab), 07:00–15:30;
// - standard minutes per job from a lab doing "a job every minute or more" with 2 generators and
//   2 edgers: surfacing (generate + polish, both lenses) ≈ 12 min of machine time per job, edging ≈ 5,
//   final inspection ≈ 3, packing/dispatch ≈ 2; coating is a batch chamber (~90 min per batch of
//   ~15 jobs) ≈ 6 min per job;
// - target utilization 0.85 where machines are automated ("≈95 % automated vs ≈80 % manual" of
//   capacity usable, labtalkonline 34309), 0.80 at manual benches;
// - cost per station hour (labour + machine) is a placeholder the lab must set: 0 until it does, so
//   no cost figure is ever reported from a number we made up.

export interface StationDefinition {
  code: string;
  name: string;
  sequence: number;
  parallelUnits: number;
  standardMinutesPerJob: number;
  targetUtilization: number;
  shifts: Array<{ weekday: number; startMinute: number; endMinute: number }>;
  staffRoles: string[];
  costPerHour: number;
  restartStation: string | null;
  bufferCapacity: number | null;
  active: boolean;
}

const weekdayShift = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 7 * 60, endMinute: 15 * 60 + 30 }));

const station = (s: Pick<StationDefinition, 'code' | 'name' | 'sequence' | 'parallelUnits' | 'standardMinutesPerJob' | 'targetUtilization' | 'staffRoles'>): StationDefinition => ({
  ...s,
  shifts: weekdayShift,
  costPerHour: 0,
  restartStation: null,
  bufferCapacity: null,
  active: true,
});

export const DEFAULT_STATIONS: readonly StationDefinition[] = [
  station({ code: 'surfacing', name: 'Surfacing', sequence: 10, parallelUnits: 2, standardMinutesPerJob: 12, targetUtilization: 0.85, staffRoles: ['surfacing_tech'] }),
  station({ code: 'coating', name: 'Coating', sequence: 20, parallelUnits: 1, standardMinutesPerJob: 6, targetUtilization: 0.85, staffRoles: ['coating_tech'] }),
  station({ code: 'edging', name: 'Edging', sequence: 30, parallelUnits: 2, standardMinutesPerJob: 5, targetUtilization: 0.85, staffRoles: ['edger_tech'] }),
  station({ code: 'quality_check', name: 'Quality check', sequence: 40, parallelUnits: 1, standardMinutesPerJob: 3, targetUtilization: 0.8, staffRoles: ['qc_inspector'] }),
  station({ code: 'shipping', name: 'Shipping', sequence: 50, parallelUnits: 1, standardMinutesPerJob: 2, targetUtilization: 0.8, staffRoles: ['shipping_clerk'] }),
];
