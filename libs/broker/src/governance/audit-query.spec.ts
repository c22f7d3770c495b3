import { ProblemError } from '@nix/domain';
import { AUDIT_PAGE_DEFAULT, auditCsv, parseAuditQuery } from './audit-query';

function pointerOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    return (error as ProblemError).extras.errors?.[0].pointer;
  }
  throw new Error('expected a problem');
}

describe('parseAuditQuery', () => {
  it('reads filters and paging, with the default page size, as JSON unless CSV is asked for', () => {
    expect(parseAuditQuery({}, undefined)).toEqual({ subject: undefined, actor: undefined, after: undefined, limit: AUDIT_PAGE_DEFAULT, format: 'json' });
    expect(parseAuditQuery({ subject: 'agreement:a', actor: 'iwg', after: '40', limit: '5' }, 'text/csv')).toEqual({ subject: 'agreement:a', actor: 'iwg', after: 40, limit: 5, format: 'csv' });
    expect(parseAuditQuery({ format: 'json' }, 'text/csv').format).toBe('json');
  });

  it('names the parameter at fault', () => {
    expect(pointerOf(() => parseAuditQuery({ limit: '0' }, undefined))).toBe('query:limit');
    expect(pointerOf(() => parseAuditQuery({ limit: '10001' }, undefined))).toBe('query:limit');
    expect(pointerOf(() => parseAuditQuery({ after: '-1' }, undefined))).toBe('query:after');
    expect(pointerOf(() => parseAuditQuery({ actor: ['a', 'b'] }, undefined))).toBe('query:actor');
    expect(pointerOf(() => parseAuditQuery({ format: 'xml' }, undefined))).toBe('query:format');
    expect(pointerOf(() => parseAuditQuery({ page: '2' }, undefined))).toBe('query:page');
    expect(pointerOf(() => parseAuditQuery({ subject: 'agreement:\u0000' }, undefined))).toBe('query:subject');
  });
});

describe('auditCsv', () => {
  it('writes one row per entry, before and after as their JSON, quoted where a field holds quotes or line breaks', () => {
    const entry = { seq: 7, actor: 'iwg', at: new Date('2026-11-30T10:00:00Z'), action: 'dispute.resolve', subject: 'dispute:d-1', before: null, after: { resolution: 'He said "no",\r\nthen left' } };
    const after = JSON.stringify(entry.after);
    expect(auditCsv([entry])).toBe(
      '\uFEFFseq,at,actor,action,subject,before,after\r\n' + `7,2026-11-30T10:00:00.000Z,iwg,dispute.resolve,dispute:d-1,null,"${after.replace(/"/g, '""')}"\r\n`,
    );
  });
});
