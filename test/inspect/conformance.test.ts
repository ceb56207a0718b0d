/** Runs the shared conformance suite against every registered inspector. */
import { DEFAULT_INSPECTORS } from '../../src/pipeline/inspect/registry.js';
import { describeConformance } from './inspector.case.js';

for (const inspector of DEFAULT_INSPECTORS) describeConformance(inspector);
