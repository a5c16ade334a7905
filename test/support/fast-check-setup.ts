import fc from 'fast-check';

// Property tests in the default run use one fixed seed, so a run is repeatable and CI does not depend
// on luck; set FC_SEED to explore other inputs (the long campaign is `npm run fuzz`).
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20_261_127) });
