/**
 * The long form of the fault run: npm run chaos [-- --complaints 500 --outage-seconds 20]
 * Prints the report and exits non-zero if anything was lost, duplicated or sent twice.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config';
import { ensureTemporalBinaries } from '../../src/embedded/tools';
import { formatReport, runChaos } from './chaos';

const { values } = parseArgs({ options: { complaints: { type: 'string', default: '500' }, 'outage-seconds': { type: 'string', default: '20' } } });
const { cli } = ensureTemporalBinaries(loadConfig(), process.cwd());
const report = await runChaos({ complaints: Number(values.complaints), databaseOutageMs: Number(values['outage-seconds']) * 1000, temporalCli: cli, log: (l) => console.error(`[chaos] ${l}`) });
console.log(formatReport(report));
mkdirSync('test-output', { recursive: true });
writeFileSync('test-output/chaos-report.json', `${JSON.stringify(report, null, 2)}\n`);
const bad = report.lost.length + report.duplicatedComplaints + report.readModelMismatches.length + report.messagesSentTwice + (report.acknowledgementsDelivered === report.acknowledgementsExpected ? 0 : 1);
process.exit(bad === 0 ? 0 : 1);
