import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OutcomeSchema } from '../../lib/decision/outcome-schema.ts';
import { OUTCOME_STATUSES } from '../../lib/decision/outcome-status.ts';
import { toAdf } from '../../lib/tickets/adf.ts';
import { code, oneLine, paragraph, strong, text } from '../../lib/tickets/document.ts';
import { headline, outcomeMarker } from '../../lib/tickets/outcome-document.ts';
import { parseOutcomeMessage } from '../../lib/tickets/outcome-message.ts';
import { escapeWiki, toWiki } from '../../lib/tickets/wiki.ts';
import { neutraliseCodeTags, toWorkNote } from '../../lib/tickets/work-note.ts';
import { ENDPOINT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { anOutcome } from './outcomes.ts';

describe('oneLine', () => {
  it('folds line breaks, drops controls and bidi overrides, and cuts long text', () => {
    expect(oneLine('a\r\nb\nc\u2028d')).toBe('a b c d');
    expect(oneLine('x\u0000y\u001b[31mz\u202Eevil')).toBe('xy[31mzevil');
    expect(oneLine('abcdef', 4)).toBe('abc…');
  });
});

describe('escapeWiki', () => {
  it('escapes every character that starts wiki markup, once', () => {
    expect(escapeWiki('*b* _i_ -s- +u+ ^s^ ~s~ ??c?? {code} [l|u] |t| !img! #n')).toBe(
      '\\*b\\* \\_i\\_ \\-s\\- \\+u\\+ \\^s\\^ \\~s\\~ \\?\\?c\\?\\? \\{code\\} \\[l\\|u\\] \\|t\\| \\!img\\! \\#n',
    );
    expect(escapeWiki('a\\\\b')).toBe('a&#92;&#92;b');
    expect(escapeWiki('see https://evil.example')).toBe('see https&#58;//evil.example');
  });

  it('leaves no markup character unescaped, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = escapeWiki(s);
        // Remove the escapes and entities we write; nothing with meaning may remain.
        const residue = out.replace(/\\[*_?\-+^~{}[\]|!#]|&#92;|&#58;/g, '');
        return !/[*_?\-+^~{}[\]|!#\\]/.test(residue) && !/:\/\//.test(residue);
      }),
    );
  });
});

describe('renderers', () => {
  const doc = [
    paragraph(strong('Done'), text(' by '), text('[x|https://e.example] *y*')),
    { kind: 'bullets' as const, items: [[code('id-1'), text(' ok')]] },
  ];

  it('put outside text only in ADF text nodes, with attribute-free marks', () => {
    expect(toAdf(doc)).toEqual({
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Done', marks: [{ type: 'strong' }] },
            { type: 'text', text: ' by ' },
            { type: 'text', text: '[x|https://e.example] *y*' },
          ],
        },
        {
          type: 'bulletList',
          content: [
            {
              type: 'listItem',
              content: [
                {
                  type: 'paragraph',
                  content: [
                    { type: 'text', text: 'id-1', marks: [{ type: 'code' }] },
                    { type: 'text', text: ' ok' },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('render wiki markup and work notes', () => {
    expect(toWiki(doc)).toBe('*Done* by \\[x\\|https&#58;//e.example\\] \\*y\\*\n\n* {{id\\-1}} ok');
    expect(toWorkNote(doc)).toBe('Done by [x|https://e.example] *y*\n\n- id-1 ok');
  });

  it('neutralise [code] tags in any case or spacing', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('[code]', '[/code]', '[ CoDe ]', '[ / code]', '[code '),
        fc.string(),
        (a, tag, b) => {
          expect(neutraliseCodeTags(`${a}${tag}${b}`)).not.toMatch(/\[\s*\/?\s*code/i);
        },
      ),
    );
  });
});

describe('outcomeMarker', () => {
  it('is the same for a replay at another time and differs when the result differs', () => {
    const first = anOutcome({ startedAt: '2026-11-26T10:00:00Z' } as never);
    const replay = anOutcome({ startedAt: '2026-11-26T11:00:00Z' } as never);
    expect(outcomeMarker(first)).toBe(outcomeMarker(replay));
    expect(outcomeMarker(first)).toMatch(/^vpcep\.[0-9a-f]{24}$/);
    expect(outcomeMarker(anOutcome({ status: 'failed' }))).not.toBe(outcomeMarker(first));
  });
});

describe('parseOutcomeMessage', () => {
  it('reads an outcome with statuses it does not know, keeping unknown fields out of the way', () => {
    const parsed = parseOutcomeMessage(
      JSON.stringify({
        ...anOutcome({ status: 'in_progress' }),
        attempts: 2,
        results: [{ endpointId: 'e', status: 'expired' }],
      }),
    );
    expect(parsed.ok && parsed.outcome.status).toBe('in_progress');
    expect(parsed.ok && parsed.outcome.results[0]?.status).toBe('expired');
  });

  it.each(OUTCOME_STATUSES)('reads every %s outcome the contract allows, and has words for it', (status) => {
    const contract = OutcomeSchema.parse({
      decisionId: 'CHG-1042',
      action: 'accept',
      target: { type: 'vpcep', serviceId: SERVICE_ID },
      status,
      results: [
        {
          endpointId: ENDPOINT_ID,
          status: 'failed',
          changed: false,
          error: {
            code: 'EndPoint.0005',
            message: 'no',
            httpStatus: 400,
            requestId: 'r-1',
            retryable: false,
          },
          attempts: 1,
        },
      ],
      source: { system: 'jira', ref: 'OPS-42' },
      startedAt: '2026-11-26T10:00:00Z',
      finishedAt: '2026-11-26T10:00:01Z',
      issues: [{ path: 'endpoints[0]', message: 'bad' }],
      issuesOmitted: 2,
      denial: { code: 'TARGET_NOT_ALLOWED', message: 'not allowed' },
    });

    const parsed = parseOutcomeMessage(JSON.stringify(contract));

    expect(parsed.ok && parsed.outcome.status).toBe(status);
    expect(headline(status)).not.toMatch(/^Status /);
  });

  it('names the field that is wrong', () => {
    expect(parseOutcomeMessage('{"decisionId":"x","status":3}')).toEqual({
      ok: false,
      issues: [{ path: 'status', message: expect.any(String) }],
    });
    expect(parseOutcomeMessage('not json')).toMatchObject({ ok: false, issues: [{ path: '' }] });
  });
});
