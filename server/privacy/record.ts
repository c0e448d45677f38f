// The record of processing activities (GDPR Art. 30) from the running
// configuration, as Markdown or JSON: `npx aula privacy record`.
import type { ProcessingFacts } from './facts.js';

export function recordAsJson(facts: ProcessingFacts, generatedAt = new Date()) {
  return {
    title: 'Record of processing activities (Art. 30 GDPR) — aula',
    generatedAt: generatedAt.toISOString(),
    controller: facts.controller,
    activities: facts.activities,
    thirdCountryTransfers: facts.thirdCountryTransfers,
    technicalAndOrganisationalMeasures: facts.measures,
    logPolicy: facts.logPolicy,
  };
}

export function recordAsMarkdown(facts: ProcessingFacts, generatedAt = new Date()): string {
  const lines = [
    '# Record of processing activities (Art. 30 GDPR) — aula',
    '',
    `Generated from the running configuration on ${generatedAt.toISOString()}.`,
    '',
    `**Controller:** ${facts.controller.name ?? 'NOT CONFIGURED (set privacy.controller.name)'}${facts.controller.contact ? ` — ${facts.controller.contact}` : ''}`,
    '',
  ];
  for (const a of facts.activities) {
    lines.push(
      `## ${a.name}${a.enabled ? '' : ' (switched off in this configuration)'}`,
      '',
      `- **Purpose:** ${a.purpose}`,
      `- **Data subjects:** ${a.subjects}`,
      `- **Categories of data:** ${a.data.join('; ')}`,
      `- **Legal basis:** ${a.legalBasis}`,
      `- **Retention:** ${a.retention}`,
      `- **Recipients:** ${a.recipients}`,
      '',
    );
  }
  lines.push(
    '## Transfers to third countries',
    '',
    facts.thirdCountryTransfers,
    '',
    '## Technical and organisational measures (Art. 32)',
    '',
    ...facts.measures.map((m) => `- ${m}`),
    '',
    '## Log policy',
    '',
    facts.logPolicy,
    '',
  );
  return lines.join('\n');
}
