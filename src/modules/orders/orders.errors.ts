import { defineError } from '../../platform/errors.ts';

export const ORDER_NOT_FOUND = defineError('ORDER_NOT_FOUND', 404, 'Order %s not found');
export const ORDER_NUMBER_TAKEN = defineError('ORDER_NUMBER_TAKEN', 409, 'Order number %s already exists in this organization');
export const ILLEGAL_TRANSITION = defineError('ILLEGAL_TRANSITION', 409, '%s');
export const SCAN_REJECTED = defineError('SCAN_REJECTED', 409, 'Scan refused: %s');
export const SCAN_CONFLICT = defineError('SCAN_CONFLICT', 409, 'The order changed while this scan was being recorded; send it again');
export const NOT_SHIPPABLE = defineError('NOT_SHIPPABLE', 409, 'Order %s cannot ship yet: %s');
export const UNKNOWN_VOCABULARY = defineError('UNKNOWN_VOCABULARY', 400, '%s');
export const RX_INVALID = defineError('RX_INVALID', 400, 'Prescription is invalid: %s');
export const RX_OUT_OF_RANGE = defineError('RX_OUT_OF_RANGE', 422, 'Prescription is outside what the lab can make: %s');
export const ROUTE_EMPTY = defineError('ROUTE_EMPTY', 422, 'No station of this lab makes %s: the routing rules leave the route empty');
export const NOT_YOUR_CUSTOMER = defineError('NOT_YOUR_CUSTOMER', 403, 'An ECP creates and sees only orders of its own account (%s)');
export const EQUIPMENT_UNKNOWN = defineError('EQUIPMENT_UNKNOWN', 404, 'Equipment %s not found');
