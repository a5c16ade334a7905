// `node --import ./register-load-recorder.mjs ...` records every module the program loads (see
// record-loads.mjs).
import { register } from 'node:module';

register('./record-loads.mjs', import.meta.url);
