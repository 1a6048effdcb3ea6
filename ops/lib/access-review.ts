/**
 * The access review: every grant of every environment (who, what, where, under which conditions, until when, who
 * owns the environment) with the last commit that changed the grant's lines in its environment file, as Markdown for
 * reviewers and CSV for spreadsheets. Reviewers sign off by merging the dated file. Read from the validated config
 * (what is deployed after merge); the access report is the IAM engine's view of the same grants.
 */
import { isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { LoadedEnvironment } from "../../loader/load";

export interface LastChange {
  readonly commit: string;
  /** `YYYY-MM-DD` (committer date). */
  readonly date: string;
  readonly author: string;
  readonly summary: string;
}

export interface ReviewRow {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly group: string;
  readonly who: string;
  readonly what: string;
  readonly where: string;
  readonly conditions: string;
  readonly expires: string;
  readonly owners: string;
  readonly file: string;
  /** 1-based, inclusive: the lines of the access group in its file. */
  readonly lines: readonly [number, number];
  readonly lastChange?: LastChange;
}

/** The lines (1-based, inclusive) of each item of `accessGroups` in an environment file's text. */
export function accessGroupLines(text: string): [number, number][] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, merge: true, uniqueKeys: false });
  const seq = doc.get("accessGroups", true) as Node | undefined;
  if (!isSeq(seq)) return [];
  return seq.items.map((item) => {
    const range = (item as Node).range ?? [0, 0, 0];
    const start = lc.linePos(range[0]).line;
    const end = lc.linePos(range[2]);
    return [start, Math.max(start, end.col === 1 ? end.line - 1 : end.line)];
  });
}

/** The review rows of the environments; `lastChange` gives the newest commit of a file's line range. */
export function reviewRows(
  environments: readonly LoadedEnvironment[],
  read: (file: string) => string,
  lastChange: (file: string, lines: readonly [number, number]) => LastChange | undefined,
): ReviewRow[] {
  const rows: ReviewRow[] = [];
  for (const { file, config } of environments) {
    const ranges = accessGroupLines(read(file));
    const owners = ((config as { owners?: string[] }).owners ?? []).join(" ") || "–";
    config.accessGroups.forEach((g, i) => {
      const p = g.principals;
      const who = [
        ...(p.iamGroup ? [`IAM group ${config.project}-${config.name}-${g.name}`] : []),
        ...p.roleNames.map((r) => `role ${r}`),
        ...(p.identityCenter
          ? p.identityCenter.groups.map(
              (ic) => `Identity Center group ${ic} (permission set ${p.identityCenter!.permissionSetName})`,
            )
          : []),
      ].join("; ");
      const what = [
        ...(g.capabilities.shell ? ["shell"] : []),
        ...g.capabilities.portForwarding.map(
          (t) => `port forwarding to ${t.host}:${t.port}${t.expires ? ` until ${t.expires}` : ""} (no transcript)`,
        ),
        ...(g.capabilities.ssh ? ["SSH (no transcript)"] : []),
      ].join("; ");
      const where = `instances tagged ${Object.entries(g.instanceTags)
        .map(([k, v]) => `${k}=${v.join("|")}`)
        .join(" and ")}`;
      const mfa = [
        ...(p.iamGroup ? [g.requireMfa === false ? "IAM group without MFA" : "MFA required (IAM group)"] : []),
        ...(p.roleNames.length > 0 || p.identityCenter
          ? ["MFA at the identity provider (roles, Identity Center)"]
          : []),
      ];
      const conditions = [...mfa, g.sourceCidrs.length > 0 ? `from ${g.sourceCidrs.join(", ")}` : "from anywhere"].join(
        "; ",
      );
      const lines = ranges[i] ?? [0, 0];
      rows.push({
        environment: config.name,
        account: config.account,
        region: config.region,
        group: g.name,
        who,
        what,
        where,
        conditions,
        expires: g.expires ?? "never",
        owners,
        file,
        lines,
        lastChange: lines[0] > 0 ? lastChange(file, lines) : undefined,
      });
    });
  }
  return rows;
}

/**
 * The newest commit among `git blame --line-porcelain` output's lines (`author`, `committer-time`, `summary`
 * headers after each line's `<sha> …` header). Lines not committed yet count as `uncommitted`.
 */
export function newestFromBlame(porcelain: string): LastChange | undefined {
  let newest: { time: number; change: LastChange } | undefined;
  let cur: { commit?: string; author?: string; time?: number; summary?: string } = {};
  for (const line of porcelain.split("\n")) {
    const header = /^([0-9a-f]{40}) \d+ \d+/.exec(line);
    if (header) cur = { commit: header[1] };
    else if (line.startsWith("author ")) cur.author = line.slice(7);
    else if (line.startsWith("committer-time ")) cur.time = Number(line.slice(15));
    else if (line.startsWith("summary ")) cur.summary = line.slice(8);
    else if (line.startsWith("\t") && cur.commit && cur.time !== undefined) {
      if (!newest || cur.time > newest.time) {
        const uncommitted = /^0+$/.test(cur.commit);
        newest = {
          time: cur.time,
          change: {
            commit: uncommitted ? "uncommitted" : cur.commit.slice(0, 12),
            date: new Date(cur.time * 1000).toISOString().slice(0, 10),
            author: cur.author ?? "",
            summary: cur.summary ?? "",
          },
        };
      }
    }
  }
  return newest?.change;
}

const changed = (r: ReviewRow) =>
  r.lastChange
    ? `${r.lastChange.date} ${r.lastChange.commit} (${r.lastChange.author}: ${r.lastChange.summary})`
    : "unknown";

export function renderReviewMarkdown(rows: readonly ReviewRow[], date: string): string {
  const esc = (c: string) => c.replace(/\|/g, "\\|");
  const out = [
    `# Access review ${date}`,
    "",
    'Every grant of every environment, from the environment files. Reviewers check each row (is it still needed, by these principals, on these instances, under these conditions?), remove or shorten what is not, and sign off by approving and merging this file. Grants marked "no transcript" (port forwarding, SSH) leave no session transcript.',
  ];
  for (const env of [...new Set(rows.map((r) => r.environment))]) {
    const mine = rows.filter((r) => r.environment === env);
    const first = mine[0];
    out.push(
      "",
      `## ${env} (account ${first.account}, ${first.region}; owners ${first.owners})`,
      "",
      "| group | who | what | where | conditions | expires | last changed | reviewed |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      ...mine.map(
        (r) =>
          `| ${[r.group, r.who, r.what, r.where, r.conditions, r.expires, `${changed(r)}, \`${r.file}\` lines ${r.lines[0]}-${r.lines[1]}`].map(esc).join(" | ")} | ☐ |`,
      ),
    );
  }
  if (rows.length === 0) out.push("", "No environment grants any access.");
  return `${out.join("\n")}\n`;
}

/** A CSV cell: quoted when needed, and never read as a formula by a spreadsheet (a leading =, +, -, @ is escaped). */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderReviewCsv(rows: readonly ReviewRow[]): string {
  const header = [
    "environment",
    "account",
    "region",
    "group",
    "who",
    "what",
    "where",
    "conditions",
    "expires",
    "owners",
    "file",
    "first_line",
    "last_line",
    "last_changed",
    "last_commit",
    "last_author",
  ];
  const lines = rows.map((r) =>
    [
      r.environment,
      r.account,
      r.region,
      r.group,
      r.who,
      r.what,
      r.where,
      r.conditions,
      r.expires,
      r.owners,
      r.file,
      String(r.lines[0]),
      String(r.lines[1]),
      r.lastChange?.date ?? "",
      r.lastChange?.commit ?? "",
      r.lastChange?.author ?? "",
    ]
      .map(csvCell)
      .join(","),
  );
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}
