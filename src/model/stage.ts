/** Where an image is used. `build` is a builder stage of a multi-stage Dockerfile. */
export type Stage = 'dev' | 'ci' | 'build' | 'prod';

/** Stages a recommendation is made for. `prod-ai` is production inference with ML wheels. */
export type RecommendStage = 'dev' | 'ci' | 'prod' | 'prod-ai';

export const stages: readonly Stage[] = ['dev', 'ci', 'build', 'prod'];
export const recommendStages: readonly RecommendStage[] = ['dev', 'ci', 'prod', 'prod-ai'];
