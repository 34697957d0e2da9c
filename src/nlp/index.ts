/** Public surface of the NLP package: the service needs only triage; the rest is for tools and tests. */
export { loadModels, triageText, SHIPPED_MODELS_DIR, type TriageInput, type TriageModels, type TriageResult } from './triage';
export { DEFAULT_PRIORITY_RULES, decidePriority, explainReason, type Priority, type PriorityRules } from './priority';
export { detectLanguage, type Language } from './language';
export { classifyText, type TextClassifier, type Prediction } from './classifier';
export { loadModel, saveModel } from './model-io';
export { extractKeywords } from './keywords';
export { summarize } from './summary';
