// LTI roles → aula role. Only context (course membership) roles count:
// institution and system roles ("is faculty somewhere", "site admin") say
// nothing about this course. LTI 1.3 Appendix A; short names are the
// deprecated simple forms platforms still send.
import type { Role } from '../../shared/protocol.js';

const MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const INSTRUCTOR_SUB = 'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#';

const RANK: Record<Role, number> = { participant: 0, presenter: 1, moderator: 2 };

/** The context role name (Instructor, Learner, …) or sub-role ("Instructor#TeachingAssistant"). */
function contextRole(uri: string): string | undefined {
  if (uri.startsWith(MEMBERSHIP)) return uri.slice(MEMBERSHIP.length);
  if (uri.startsWith(INSTRUCTOR_SUB)) return `Instructor#${uri.slice(INSTRUCTOR_SUB.length)}`;
  if (/^[A-Za-z]+$/.test(uri)) return uri;
  return undefined;
}

export function aulaRole(roles: unknown, teachingAssistant: Role): Role {
  let best: Role = 'participant';
  if (!Array.isArray(roles)) return best;
  for (const r of roles) {
    if (typeof r !== 'string') continue;
    const name = contextRole(r);
    let role: Role = 'participant';
    if (name === 'Instructor#TeachingAssistant' || name === 'TeachingAssistant') role = teachingAssistant;
    else if (name === 'Instructor' || name?.startsWith('Instructor#') || name === 'Administrator' || name === 'ContentDeveloper') role = 'moderator';
    if (RANK[role] > RANK[best]) best = role;
  }
  return best;
}
