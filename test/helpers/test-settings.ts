import { Settings } from '../../src/config/settings.js';

/** The test process's own environment as settings (tests may read it; src/ never does but through readSettings). */
export const TEST_SETTINGS = Settings.from(process.env);
