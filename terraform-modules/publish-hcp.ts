/**
 * Publishing a generated Terraform module to an HCP Terraform (or Terraform Enterprise) private registry without a
 * VCS connection, through the registry-modules API (JSON:API):
 *   1. POST /api/v2/organizations/:org/registry-modules            create the module (422: it exists, fine)
 *   2. POST /api/v2/organizations/:org/registry-modules/private/:org/:name/:provider/versions
 *                                                                  create the version; the answer links `upload`
 *   3. PUT  <upload link>                                          the module as a .tar.gz
 * Re-running after an interruption: a version that exists with status `ok` is left alone; one stuck in another
 * status (an upload that never finished) is an error naming it, because only deleting it in the registry fixes it.
 */
import { spawnSync } from "child_process";

export interface HcpTarget {
  /** e.g. https://app.terraform.io */
  readonly address: string;
  readonly organization: string;
  readonly token: string;
}

export interface HcpPublishResult {
  readonly module: string;
  readonly version: string;
  readonly action: "uploaded" | "unchanged" | "planned";
  /** The requests made (or, in a dry run, that would be made): method and URL, never the token. */
  readonly requests: readonly string[];
}

const JSON_API = "application/vnd.api+json";

/** The module as the registry wants it: a gzipped tar of the module's root. */
export function moduleTarball(moduleDir: string): Buffer {
  const r = spawnSync(
    "tar",
    ["-czf", "-", "--exclude=.terraform", "--exclude=.terraform.lock.hcl", "-C", moduleDir, "."],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (r.status !== 0) throw new Error(`tar of ${moduleDir} failed: ${r.stderr.toString()}`);
  return r.stdout;
}

export async function publishModuleToHcp(
  moduleDir: string,
  target: HcpTarget,
  module: { name: string; provider: string; version: string },
  opts: { dryRun: boolean },
): Promise<HcpPublishResult> {
  const base = `${target.address.replace(/\/+$/, "")}/api/v2/organizations/${encodeURIComponent(target.organization)}/registry-modules`;
  const versionsUrl = `${base}/private/${encodeURIComponent(target.organization)}/${encodeURIComponent(module.name)}/${encodeURIComponent(module.provider)}/versions`;
  const requests: string[] = [];
  const headers = { Authorization: `Bearer ${target.token}`, "Content-Type": JSON_API };
  const describe = (res: Response, body: string) =>
    `${res.status} ${res.statusText}${body ? `: ${body.slice(0, 500)}` : ""}`;

  if (opts.dryRun) {
    moduleTarball(moduleDir); // proves the archive can be built
    return {
      module: module.name,
      version: module.version,
      action: "planned",
      requests: [`POST ${base}`, `POST ${versionsUrl}`, "PUT <upload link from the version>"],
    };
  }

  requests.push(`POST ${base}`);
  const created = await fetch(base, {
    method: "POST",
    headers,
    body: JSON.stringify({
      data: {
        type: "registry-modules",
        attributes: { name: module.name, provider: module.provider, "registry-name": "private" },
      },
    }),
  });
  const createdBody = await created.text();
  if (!created.ok && created.status !== 422)
    throw new Error(
      `${target.organization}/${module.name}: creating the module failed: ${describe(created, createdBody)}`,
    );

  requests.push(`POST ${versionsUrl}`);
  const version = await fetch(versionsUrl, {
    method: "POST",
    headers,
    body: JSON.stringify({ data: { type: "registry-module-versions", attributes: { version: module.version } } }),
  });
  const versionBody = await version.text();
  if (version.status === 422) {
    const readUrl = `${base}/private/${encodeURIComponent(target.organization)}/${encodeURIComponent(module.name)}/${encodeURIComponent(module.provider)}/version?module_version=${encodeURIComponent(module.version)}`;
    requests.push(`GET ${readUrl}`);
    const existing = await fetch(readUrl, { headers });
    const existingBody = await existing.text();
    const status = existing.ok
      ? (JSON.parse(existingBody) as { data?: { attributes?: { status?: string } } }).data?.attributes?.status
      : undefined;
    if (status === "ok") return { module: module.name, version: module.version, action: "unchanged", requests };
    throw new Error(
      `${target.organization}/${module.name}/${module.provider} ${module.version} already exists with status ` +
        `${status ?? "unknown"} (${describe(version, versionBody)}); delete that version in the registry and re-run`,
    );
  }
  if (!version.ok)
    throw new Error(
      `${target.organization}/${module.name}: creating version ${module.version} failed: ${describe(version, versionBody)}`,
    );
  const upload = (JSON.parse(versionBody) as { data?: { links?: { upload?: string } } }).data?.links?.upload;
  if (!upload)
    throw new Error(`${target.organization}/${module.name}: the new version has no upload link: ${versionBody}`);

  requests.push(`PUT ${upload}`);
  const put = await fetch(upload, {
    method: "PUT",
    headers: { "Content-Type": "application/octet-stream" },
    body: new Uint8Array(moduleTarball(moduleDir)),
  });
  const putBody = await put.text();
  if (!put.ok) throw new Error(`${target.organization}/${module.name}: upload failed: ${describe(put, putBody)}`);
  return { module: module.name, version: module.version, action: "uploaded", requests };
}
