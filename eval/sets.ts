/** Every eval set in one list: the payload corpora, the text corpora and the benign sets every inspector faces. */
import {
  bipiaSets,
  commandInjectionSets,
  destructiveSets,
  encodingSets,
  pathTraversalSets,
  pattPromptInjectionSets,
  secretsSets,
  sqlInjectionSets,
  ssrfSets,
  tldrSet,
  type EvalSet,
} from './corpora.js';
import { hardNegativeSets } from './corpora-hard-negatives.js';
import { injectionAttackSets, textBenignSets, toolPoisoningSets } from './corpora-text.js';

let cached: EvalSet[] | undefined;

/** All sets, both splits (read once per process; the corpora are read-only). */
export function allSets(): EvalSet[] {
  cached ??= [
    ...sqlInjectionSets(),
    ...commandInjectionSets(),
    ...pathTraversalSets(),
    tldrSet(),
    ...secretsSets(),
    ...bipiaSets(),
    ...pattPromptInjectionSets(),
    ...injectionAttackSets(),
    ...toolPoisoningSets(),
    ...textBenignSets(),
    ...hardNegativeSets(),
    ...ssrfSets(),
    ...encodingSets(),
    ...destructiveSets(),
  ];
  return cached;
}
