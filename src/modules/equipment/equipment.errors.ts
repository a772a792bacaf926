import { defineError } from '../../platform/errors.ts';

// The equipment module's part of the error catalogue (src/platform/errors.ts has the shared codes).

// 400
export const UNKNOWN_STATION = defineError('UNKNOWN_STATION', 400, 'Station %s is not one of this organization\'s stations (%s)');
// 404
export const EQUIPMENT_NOT_FOUND = defineError('EQUIPMENT_NOT_FOUND', 404, 'Equipment %s not found');
// 409
export const SERIAL_TAKEN = defineError('SERIAL_TAKEN', 409, 'Serial number %s is already registered in this organization');
