/** The contenders by name (see bench/README-like module comments in each file). */
import type { Contender, ContenderName } from '../lib/contender-types';
import { floor } from './floor';
import { naive } from './naive';
import { rxjs } from './rxjs';
import { streamscope, streamscopeOperator } from './streamscope';

/** Every contender, in the order the bench runs them within a round. */
export const CONTENDERS: Record<ContenderName, Contender> = {
  naive,
  rxjs,
  streamscope,
  'streamscope-operator': streamscopeOperator,
  floor,
};
