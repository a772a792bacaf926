import { answerRequests } from '../../platform/threads.ts';
import { deriveDay, type DayDerivation, type DayDerivationInput } from './day-derivation.ts';

// The station-state thread: derives the days the server posts, one at a time, in the order they come.

answerRequests<DayDerivationInput, DayDerivation>(deriveDay);
