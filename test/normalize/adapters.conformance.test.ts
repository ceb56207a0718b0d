/** Runs the shared adapter conformance suite against every registered adapter. */
import { ADAPTERS } from '../../src/pipeline/normalize/adapters/index.js';
import { describeAdapterConformance } from './adapter.case.js';

for (const adapter of ADAPTERS) describeAdapterConformance(adapter);
