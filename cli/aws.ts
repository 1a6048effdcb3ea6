/**
 * The AWS clients of the command, with credentials from the SDK's standard chain (environment, SSO, profiles,
 * process, container and instance roles; `--profile` picks a profile), and AWS errors turned into what the operator
 * should do about them.
 */
import { EC2Client } from "@aws-sdk/client-ec2";
import { SSMClient } from "@aws-sdk/client-ssm";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { CliError } from "./errors";

export interface AwsScope {
  readonly region: string;
  /** A named profile (--profile). @default - the SDK's chain (AWS_PROFILE, environment, default profile, …) */
  readonly profile?: string;
}

export interface AwsClients {
  readonly ec2: EC2Client;
  readonly ssm: SSMClient;
}

export function awsClients(scope: AwsScope): AwsClients {
  const credentials = fromNodeProviderChain(scope.profile ? { profile: scope.profile } : {});
  return {
    ec2: new EC2Client({ region: scope.region, credentials }),
    ssm: new SSMClient({ region: scope.region, credentials }),
  };
}

/** The SSM endpoint the plugin talks to (the AWS CLI passes the client's endpoint URL the same way). */
export async function ssmEndpoint(ssm: SSMClient, region: string): Promise<string> {
  const endpoint = ssm.config.endpointProvider({
    Region: region,
    UseFIPS: await ssm.config.useFipsEndpoint(),
    UseDualStack: await ssm.config.useDualstackEndpoint(),
  });
  return endpoint.url.href.replace(/\/$/, "");
}

const errorName = (e: unknown) => (e instanceof Error ? e.name : "");
const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const isAccessDenied = (e: unknown) =>
  ["AccessDeniedException", "AccessDenied", "UnauthorizedOperation"].includes(errorName(e));

/**
 * An AWS failure as a message the operator can act on: no credentials, an expired SSO session or token, invalid
 * keys, an unreachable endpoint. `doing` says what was being done (`listing the instances of dev`).
 */
export function describeAwsError(e: unknown, doing: string, scope: AwsScope): CliError {
  const name = errorName(e);
  const message = errorMessage(e);
  const profile = scope.profile ? ` --profile ${scope.profile}` : "";
  if (name === "CredentialsProviderError" || name === "TokenProviderError") {
    if (/sso/i.test(message))
      return new CliError(
        `${doing}: your AWS SSO session has expired or is not signed in (${message})\n` +
          `  sign in again: aws sso login${profile}`,
      );
    return new CliError(
      `${doing}: no AWS credentials found${scope.profile ? ` for profile ${scope.profile}` : ""} (${message})\n` +
        "  sign in with `aws sso login --profile NAME` and pass --profile NAME (or set AWS_PROFILE), or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN",
    );
  }
  if (["ExpiredTokenException", "ExpiredToken", "RequestExpired", "TokenRefreshRequired"].includes(name))
    return new CliError(
      `${doing}: your AWS credentials have expired (${name}: ${message})\n  refresh them: aws sso login${profile}, or get new session credentials`,
    );
  if (["UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure", "SignatureDoesNotMatch"].includes(name))
    return new CliError(
      `${doing}: AWS does not accept these credentials (${name}: ${message}); check the profile or keys in use`,
    );
  if (isAccessDenied(e)) return new CliError(`${doing}: access denied by AWS (${message})`);
  const code = (e as { code?: string } | undefined)?.code;
  if (code && ["ENOTFOUND", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "EAI_AGAIN"].includes(code))
    return new CliError(`${doing}: cannot reach AWS in ${scope.region} (${code}); check the network or proxy`);
  return new CliError(`${doing}: ${name || "error"}: ${message}`);
}
