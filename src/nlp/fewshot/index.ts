/** Few-shot text classification over multilingual sentence embeddings (and TF-IDF where it adds). */
export { FEWSHOT_DEFAULTS, loadFewShot, trainFewShot, type FewShotClassifier, type FewShotOptions, type LabelledText, type Prediction } from './fewshot';
export { evaluateFewShot, sampleShots, type FewShotEvalResult } from './evaluate';
