import { defineError } from '../../platform/errors.ts';

// 422, not 409: the request is well-formed and nothing conflicts with it — the organization's data
// cannot support a forecast yet (CONTRACT §1: "well-formed but semantically impossible"). 409 is for
// duplicates and illegal state transitions, which the caller could resolve by retrying differently.
export const FORECAST_NO_HISTORY = defineError(
  'FORECAST_NO_HISTORY',
  422,
  'No order history yet: a forecast needs at least one complete day of received orders before today (%s). Take orders or load history with POST /api/import/orders, then ask again.',
);
