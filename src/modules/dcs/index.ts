// VCA DCS ("OMA file") library: pure parsing, typed reading, serializing, framing and order mapping.
// DOMAIN.md §2 describes the format; CONTRACT.md §4/§5 the order body it maps to.

export {
  DCS_UNKNOWN,
  isDcsUnknown,
  type DcsIssue,
  type DcsIssueCode,
  type DcsMessage,
  type DcsRecord,
  type DcsSide,
  type DcsTraceDataset,
  type DcsUnknown,
  type DcsValue,
} from './dcs-record.ts';
export {
  dcsLabelType,
  formatDcsNumber,
  isValidDcsLabel,
  knownDcsLabels,
  parseDcsNumber,
  type DcsLabelKind,
  type DcsLabelShape,
  type DcsLabelType,
} from './dcs-labels.ts';
export { parseDcs, parseDcsRecords, splitDcsFields } from './dcs-parser.ts';
export { groupDcsTraces } from './dcs-trace.ts';
export {
  createDcsView,
  DcsValueError,
  typedDcsValues,
  type DcsChiral,
  type DcsField,
  type DcsTypedValue,
  type DcsView,
} from './dcs-view.ts';
export { createDcsRecord, DcsFormatError, formatDcs, formatDcsRecord, type DcsInputValue } from './dcs-serializer.ts';
export {
  crc16Xmodem,
  DCS_ACK,
  DCS_FS,
  DCS_GS,
  DCS_NAK,
  DCS_RS,
  frameDcs,
  unframeDcs,
  type DcsFrameOptions,
  type DcsUnframeErrorCode,
  type DcsUnframeResult,
} from './dcs-framing.ts';
export {
  coatingFromDcsName,
  dcsToOrderInput,
  LENS_COATINGS,
  LENS_MATERIALS,
  LENS_TYPES,
  lensMaterialFromIndex,
  lensTypeFromDesignName,
  orderToDcs,
  type DcsEyeRx,
  type DcsMappingError,
  type DcsMappingErrorCode,
  type DcsMappingOptions,
  type DcsOrderInput,
  type DcsOrderMappingResult,
  type DcsPd,
  type DcsPrism,
  type LensCoating,
  type LensMaterial,
  type LensType,
  type OrderToDcsOptions,
} from './dcs-order-mapping.ts';
