import { reportsSuite } from '../support/reports-suite';

reportsSuite(describe, 'reports on the embedded store', async () => ({}));
