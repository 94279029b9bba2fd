/** Rules for the image build (ImageBuildFailure). */
import type { Rule } from '../rule.js';
import { imageBuildFailure } from './imageBuildFailure.js';

export const buildRules: readonly Rule[] = [imageBuildFailure];
