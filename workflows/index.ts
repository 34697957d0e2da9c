// The worker's workflowsPath: workflow functions only, nothing that runs at import.
export { complaintWorkflow } from './complaint';
export { retentionWorkflow } from './retention';
export { detectorWorkflow } from './detector';
export { taxonomyLearningWorkflow } from './taxonomy-learning';
export { auditAnchorWorkflow } from './audit-anchor';
