/** Rules for volumes and model download, the front end, nodes, hangs and cluster access. */
import type { Rule } from '../rule.js';

export const platformRules: readonly Rule[] = [];
