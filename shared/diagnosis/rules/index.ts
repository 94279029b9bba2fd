/**
 * Every rule the engine runs. Rules are grouped by the stages they cover, one group file per area so that
 * rules can be added without touching each other's lists.
 */
import type { Rule } from '../rule.js';
import { buildRules } from './buildRules.js';
import { initRules } from './initRules.js';
import { platformRules } from './platformRules.js';
import { podRules } from './podRules.js';

export const allRules: readonly Rule[] = [...buildRules, ...podRules, ...platformRules, ...initRules];
