// The privacy layer: the encrypted attendance ledger and its reports, the
// audit log, problem reports, the processing facts and notice, and the
// retention scheduler that deletes what is due.
import type express from 'express';
import type { Config } from '../config/config.js';
import { privacyAdminRouter } from '../http/privacy-api.js';
import { problemsAdminRouter } from '../http/problems-api.js';
import { reportsRouter } from '../http/reports-api.js';
import type { Layer } from '../lifecycle.js';
import type { Logger } from '../log.js';
import { AssertionReplay } from './assertion-replay.js';
import { Attendance } from './attendance.js';
import { AuditLog } from './audit-log.js';
import { type ProcessingFacts, processingFacts } from './facts.js';
import { auditKey, Ledger, ledgerMasterKey } from './ledger.js';
import { renderNotice } from './notice.js';
import { ProblemStore } from './problems.js';
import { Reports } from './reports.js';
import { RetentionScheduler } from './retention.js';

import type { Cluster } from '../cluster/cluster.js';
import { ClusterLedger } from '../cluster/segments.js';
export interface PrivacyLayer extends Layer {
  audit: AuditLog;
  retention: RetentionScheduler;
  problems: ProblemStore;
  /** With ledger.enabled only. */
  ledger?: Ledger;
  /** Watches the rooms and writes who was there to the ledger (with ledger.enabled). */
  attendance?: Attendance;
  /** Attendee reports (ledger on). */
  reports?: Reports;
  /** The key that wraps the recordings' keys (the ledger's master key). */
  recordingKey: Buffer;
  facts: ProcessingFacts;
  notice: string;
  /** The admin API's privacy routes: problem reports, facts, attendance reports. */
  adminRoutes: express.Router[];
}

/** `cluster`: several nodes, reports read every node's segment of a meeting and meetings continue across nodes. */
export async function createPrivacy(config: Config, dataDir: string, log: Logger, cluster?: Cluster): Promise<PrivacyLayer> {
  const masterKey = config.ledger.enabled ? ledgerMasterKey(config.ledger.masterKey, dataDir) : undefined;
  if (masterKey && !config.ledger.masterKey) {
    log.warn('ledger master key is kept in the data directory; set ledger.masterKey (AULA_LEDGER_MASTER_KEY) to keep it elsewhere');
  }
  const audit = new AuditLog(dataDir, masterKey && auditKey(masterKey));
  const retention = new RetentionScheduler(log);
  let ledger: Ledger | undefined;
  let reports: Reports | undefined;
  if (masterKey) {
    const l = (ledger = new Ledger(dataDir, masterKey, config.ledger.retentionDays, audit));
    const reopened = await l.endOpenMeetings();
    if (reopened) log.warn({ meetings: reopened }, 'meetings left open by an earlier run were ended');
    const view = cluster ? new ClusterLedger(l, masterKey, cluster) : l;
    if (cluster) cluster.hasSegment = (id) => Boolean(l.meeting(id));
    reports = await Reports.create(view, audit, config.operators, config.reports.fourEyes, new AssertionReplay(dataDir));
    retention.register('meetings', (now) => l.purge(now));
  }
  const problems = new ProblemStore(dataDir, config.problems.retentionDays);
  retention.register('problemReports', (now) => problems.purge(now));
  const auditDays = config.audit.retentionDays;
  if (auditDays) retention.register('auditEntries', (now) => audit.purge(auditDays, now));
  const facts = processingFacts(config);
  const attendance = ledger && new Attendance(ledger, log, config.ledger.coalesceSeconds, cluster?.meetingHooks);
  const adminRoutes = [problemsAdminRouter(problems), privacyAdminRouter(facts)];
  if (reports && ledger) adminRoutes.push(reportsRouter(reports, ledger));
  return {
    audit,
    retention,
    problems,
    ledger,
    attendance,
    reports,
    recordingKey: masterKey ?? ledgerMasterKey(config.ledger.masterKey, dataDir),
    facts,
    notice: renderNotice(facts, config.reports.fourEyes),
    adminRoutes,
    async drain() {
      retention.stop();
      // Every meeting ends (also those waiting out ledger.coalesceSeconds) and is on disk before the lock goes.
      await attendance?.close();
    },
  };
}
