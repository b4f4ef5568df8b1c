import { createReadStream, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { readIdocXml } from '../connectors/formats/idoc/index.js';
import {
  readX12Stream,
  toCanonical,
  type X12GroupHeader,
  type X12Issue,
  type X12TransactionSet,
} from '../connectors/formats/x12/index.js';

interface SetReport {
  id: string;
  controlNumber: string;
  segmentCount: number;
  declaredSegmentCount: number | null;
  accepted: boolean;
  issues: X12Issue[];
  canonical: unknown[];
}

interface GroupReport {
  functionalId: string;
  controlNumber: string;
  sender: string;
  receiver: string;
  version: string;
  accepted: boolean;
  issues: X12Issue[];
  sets: SetReport[];
}

const issueText = (i: X12Issue) => `${i.code}: ${i.message}`;

/**
 * `sparehub edi parse FILE`: every interchange, group and transaction set in an X12 file
 * (streamed, so large files are fine), or every IDoc in an SAP IDoc XML file, with its
 * canonical messages. Exits 1 naming the reason when anything in the file is refused.
 */
export function registerEdiCommand(program: Command): void {
  const edi = program.command('edi').description('work with EDI files (ASC X12, SAP IDoc XML)');
  edi
    .command('parse')
    .description('parse an X12 or IDoc XML file and print what is in it')
    .argument('<file>', 'the file')
    .option('--json', 'print JSON instead of text')
    .option('--lenient', 'accept interchanges whose GE/IEA trailers disagree (reported, not refused)')
    .action(async (file: string, opts: { json?: boolean; lenient?: boolean }) => {
      const head = readFileSync(file, { encoding: 'utf8', flag: 'r' })
        .slice(0, 512)
        .replace(/^\uFEFF/, '');
      const ok = head.trimStart().startsWith('<')
        ? printIdoc(file, Boolean(opts.json))
        : await printX12(file, Boolean(opts.json), Boolean(opts.lenient));
      process.exitCode = ok ? 0 : 1;
    });
}

async function printX12(file: string, json: boolean, lenient: boolean): Promise<boolean> {
  const groups = new Map<string, GroupReport>();
  const interchanges: unknown[] = [];
  const looseIssues: X12Issue[] = [];
  const refusals: string[] = [];
  const groupKey = (isa: string, gs: X12GroupHeader) =>
    `${isa}|${gs.controlNumber}|${gs.position.byteOffset}`;
  for await (const event of readX12Stream(createReadStream(file), { strictEnvelope: !lenient })) {
    if (event.kind === 'issue') {
      looseIssues.push(event.issue);
      if (event.issue.severity === 'error') refusals.push(issueText(event.issue));
    } else if (event.kind === 'set') {
      const key = groupKey(event.interchange.controlNumber, event.group);
      const group = groups.get(key) ?? newGroup(event.group);
      groups.set(key, group);
      group.sets.push(setReport(event.set));
    } else {
      const ic = event.interchange;
      const icGroups = ic.groups.map((g) => {
        const report = groups.get(groupKey(ic.header.controlNumber, g.header)) ?? newGroup(g.header);
        report.accepted = g.accepted;
        report.issues = g.issues;
        return report;
      });
      if (!ic.accepted)
        refusals.push(...ic.reasons.map((r) => `interchange ${ic.header.controlNumber}: ${issueText(r)}`));
      for (const g of icGroups)
        for (const s of g.sets)
          if (!s.accepted)
            refusals.push(
              `transaction set ${s.id} ${s.controlNumber}: ${s.issues
                .filter((i) => i.severity === 'error')
                .map(issueText)
                .join('; ')}`,
            );
      interchanges.push({
        controlNumber: ic.header.controlNumber,
        sender: `${ic.header.senderQualifier}:${ic.header.senderId.trim()}`,
        receiver: `${ic.header.receiverQualifier}:${ic.header.receiverId.trim()}`,
        version: ic.header.version,
        usage: ic.header.usageIndicator,
        accepted: ic.accepted,
        reasons: ic.reasons,
        issues: ic.issues,
        groups: icGroups,
      });
    }
  }
  if (interchanges.length === 0 && refusals.length === 0)
    refusals.push('X12_NO_ISA: no interchange in the file');
  const ok = refusals.length === 0;
  if (json) {
    console.log(
      JSON.stringify({ file, format: 'x12', ok, refusals, interchanges, issues: looseIssues }, null, 2),
    );
  } else {
    for (const ic of interchanges as Array<{
      controlNumber: string;
      sender: string;
      receiver: string;
      version: string;
      accepted: boolean;
      groups: GroupReport[];
    }>) {
      console.log(
        `interchange ${ic.controlNumber} ${ic.sender} → ${ic.receiver} (${ic.version}) ${ic.accepted ? 'accepted' : 'REFUSED'}`,
      );
      for (const g of ic.groups) {
        console.log(
          `  group ${g.functionalId} ${g.controlNumber} ${g.sender} → ${g.receiver} (${g.version})`,
        );
        for (const s of g.sets) {
          const kinds =
            s.canonical.map((m) => (m as { type: string }).type).join(', ') || 'no canonical message';
          console.log(
            `    set ${s.id} ${s.controlNumber}: ${s.segmentCount} segments ${s.accepted ? '' : 'REJECTED '}→ ${kinds}`,
          );
        }
      }
    }
  }
  for (const reason of refusals) console.error(reason);
  return ok;
}

function newGroup(header: X12GroupHeader): GroupReport {
  return {
    functionalId: header.functionalId,
    controlNumber: header.controlNumber,
    sender: header.senderId,
    receiver: header.receiverId,
    version: header.version,
    accepted: true,
    issues: [],
    sets: [],
  };
}

function setReport(set: X12TransactionSet): SetReport {
  const mapped = set.accepted ? toCanonical(set) : { messages: [], issues: [] };
  return {
    id: set.id,
    controlNumber: set.controlNumber,
    segmentCount: set.actualSegmentCount,
    declaredSegmentCount: set.declaredSegmentCount,
    accepted: set.accepted,
    issues: [...set.issues, ...mapped.issues],
    canonical: mapped.messages,
  };
}

function printIdoc(file: string, json: boolean): boolean {
  const result = readIdocXml(readFileSync(file));
  // Every IDoc issue refuses that IDoc (the reader has no warnings).
  const ok = result.issues.length === 0 && result.messages.length > 0;
  if (json) console.log(JSON.stringify({ file, format: 'idoc', ok, ...result }, null, 2));
  else
    for (const m of result.messages)
      console.log(
        `IDoc ${m.docnum} ${m.idocType}/${m.messageType} from ${m.sender.partnerNumber ?? '?'} → ${m.message.type}`,
      );
  for (const issue of result.issues) console.error(`${issue.code}: ${issue.message}`);
  return ok;
}
