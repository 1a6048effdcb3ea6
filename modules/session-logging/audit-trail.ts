/**
 * The CloudTrail side of the audit alerts. EventBridge receives "AWS API Call via CloudTrail" events only while a
 * trail is logging management events in the account and region ("To record events with a detail-type value of
 * AWS API Call via CloudTrail, you must have a trail that is currently logging management or data events",
 * CloudTrail User Guide): without one the alert rules exist and never fire. Two ways to make sure there is one:
 *
 * - `TrailLoggingCheck`: the trail the account relies on (its own, or an organization trail) is read at plan time
 *   through Cloud Control (`AWS::CloudTrail::Trail`; provider 5.x has no trail data source) and postconditions stop
 *   the plan when it is not logging, logs no write management events, does not cover the region, or (another
 *   account's trail) is not an organization trail.
 * - `AuditTrail`: a multi-region trail created into the session-log bucket, SSE-KMS with the session key, log file
 *   validation on, global service events, protected from destroy; the bucket and key policies admit CloudTrail for
 *   this trail only (aws:SourceArn).
 */
import { Cloudtrail, DataAwsCloudcontrolapiResource } from "../core/aws";
import { Construct, type ITerraformDependable } from "../core/cdktf";
import type { Statement } from "../core/iam";
import type { IEncryptionKey } from "../core/kms";
import { checkOnPlan, type PlanCheck } from "../core/plan-checks";

/** Trail names: 3-128 of letters, digits, `.`, `_`, `-`, starting and ending with a letter or digit (CreateTrail). */
export const TRAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;
/** Trail ARNs: `arn:<partition>:cloudtrail:<home region>:<owner account>:trail/<name>`. */
export const TRAIL_ARN =
  /^arn:(aws[a-z-]*):cloudtrail:([a-z0-9-]+):(\d{12}):trail\/([A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9])$/;

/** The ARN of the trail `name` whose home is `region` in `account`. */
export function trailArn(partition: string, region: string, account: string, name: string): string {
  return `arn:${partition}:cloudtrail:${region}:${account}:trail/${name}`;
}

export interface TrailLoggingCheckProps {
  /**
   * The trail, by name (a trail of this account whose home region is `region`) or by ARN (required for an
   * organization trail seen from a member account, and for a trail whose home is another region).
   */
  readonly trail: string;
  /** The account the alerts run in. */
  readonly account: string;
  /** The region the alerts run in (the trail must log it). */
  readonly region: string;
}

/** `jsondecode(self.properties)`, the trail as Cloud Control returns it (GetTrail + GetTrailStatus + selectors). */
const TRAIL = "jsondecode(self.properties)";

/**
 * A Cloud Control read of the trail with the plan-time checks above. The checks read only what `GetResource`
 * returns for `AWS::CloudTrail::Trail` (IsLogging, IsMultiRegionTrail, IsOrganizationTrail, Arn, EventSelectors,
 * AdvancedEventSelectors); a missing attribute counts as the unsafe value.
 */
export class TrailLoggingCheck extends Construct {
  public readonly data: DataAwsCloudcontrolapiResource;

  constructor(scope: Construct, id: string, props: TrailLoggingCheckProps) {
    super(scope, id);
    this.data = new DataAwsCloudcontrolapiResource(this, "Trail", {
      typeName: "AWS::CloudTrail::Trail",
      identifier: props.trail,
    });
    checkOnPlan(this.data, trailLoggingChecks(props));
  }
}

/** The postconditions of `TrailLoggingCheck` (exposed so the generated terraform test proves each one fires). */
export function trailLoggingChecks(props: TrailLoggingCheckProps): PlanCheck[] {
  const t = props.trail;
  const fix = "point logging.cloudTrail.existing at a trail that does, or set logging.cloudTrail.create: true";
  const checks: PlanCheck[] = [
    {
      condition: `try(${TRAIL}.IsLogging, false) == true`,
      errorMessage: `CloudTrail trail ${t} is not logging (IsLogging false): the session audit alerts would never fire; start it (aws cloudtrail start-logging --name ${t}) or ${fix}.`,
    },
    {
      // Classic selectors: management events included (the default) and not read-only; advanced selectors: a
      // selector on eventCategory Management that does not keep read-only events only.
      condition:
        `anytrue(concat([for s in try(${TRAIL}.EventSelectors, []) : try(s.IncludeManagementEvents, true) && try(s.ReadWriteType, "All") != "ReadOnly"], ` +
        `[for s in try(${TRAIL}.AdvancedEventSelectors, []) : contains(flatten([for f in try(s.FieldSelectors, []) : f.Field == "eventCategory" ? try(f.Equals, []) : []]), "Management") && !contains(flatten([for f in try(s.FieldSelectors, []) : f.Field == "readOnly" ? try(f.Equals, []) : []]), "true")]))`,
      errorMessage: `CloudTrail trail ${t} does not log write management events (StartSession, TerminateSession and UpdateDocument are write management events): the session audit alerts would never fire; ${fix}.`,
    },
    {
      condition: `try(${TRAIL}.IsMultiRegionTrail, false) == true || try(split(":", ${TRAIL}.Arn)[3], "") == ${JSON.stringify(props.region)}`,
      errorMessage: `CloudTrail trail ${t} is a single-region trail of another region and does not log ${props.region}, where the session audit alerts run; make it multi-region or ${fix}.`,
    },
  ];
  const arn = TRAIL_ARN.exec(t);
  if (arn && arn[3] !== props.account) {
    checks.push({
      condition: `try(${TRAIL}.IsOrganizationTrail, false) == true`,
      errorMessage: `CloudTrail trail ${t} belongs to account ${arn[3]} and is not an organization trail, so it does not log account ${props.account}; name an organization trail or ${fix}.`,
    });
  }
  return checks;
}

/**
 * Trail properties as Cloud Control returns them for a healthy trail, and per check of `trailLoggingChecks` the
 * properties that break it: the generated terraform test (tools/tftest-plan-checks.ts) feeds both through
 * `override_data` to prove every check fires.
 */
export const TRAIL_PLAN_FIXTURE = {
  healthy: {
    TrailName: "organization-trail",
    Arn: "arn:aws:cloudtrail:us-east-1:999999999999:trail/organization-trail",
    IsLogging: true,
    IsMultiRegionTrail: true,
    IsOrganizationTrail: true,
    EventSelectors: [
      { IncludeManagementEvents: true, ReadWriteType: "All", DataResources: [], ExcludeManagementEventSources: [] },
    ],
  },
  /** Keyed by the attribute whose name appears in the check's condition (the first that matches wins). */
  breaks: [
    { when: ".IsLogging", properties: { IsLogging: false } },
    {
      when: "EventSelectors",
      properties: {
        EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: "ReadOnly" }],
        AdvancedEventSelectors: [
          {
            FieldSelectors: [
              { Field: "eventCategory", Equals: ["Management"] },
              { Field: "readOnly", Equals: ["true"] },
            ],
          },
        ],
      },
    },
    {
      when: ".IsMultiRegionTrail",
      properties: {
        IsMultiRegionTrail: false,
        Arn: "arn:aws:cloudtrail:nowhere-1:999999999999:trail/organization-trail",
      },
    },
    { when: ".IsOrganizationTrail", properties: { IsOrganizationTrail: false } },
  ],
} as const;

export interface AuditTrailProps {
  /** Trail name (3-128 letters, digits, `.`, `_`, `-`). */
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** @default "aws" */
  readonly partition?: string;
  /** The bucket the trail delivers to; its policy must carry `cloudTrailBucketStatements`. */
  readonly bucketName: string;
  /** The bucket policy (the trail is created after it: CloudTrail checks it on CreateTrail). */
  readonly bucketPolicy: ITerraformDependable;
  /** The key the log files are encrypted with; its policy must carry `cloudTrailKeyStatements`. */
  readonly encryptionKey: IEncryptionKey;
}

/**
 * A multi-region trail of the account's management events (all read and write, global services included) into
 * the session-log bucket under `AWSLogs/<account>/` (a prefix no environment's session logs use: environment names
 * are lowercase), encrypted with the session key, with log file validation, and `prevent_destroy`.
 */
export class AuditTrail extends Construct {
  public readonly trail: Cloudtrail;
  public readonly trailArn: string;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    if (!TRAIL_NAME.test(props.name))
      throw new Error(`AuditTrail: name ${JSON.stringify(props.name)} is not 3-128 letters, digits, ., _ and -`);
    this.trailArn = trailArn(props.partition ?? "aws", props.region, props.account, props.name);
    this.trail = new Cloudtrail(this, "Resource", {
      name: props.name,
      s3BucketName: props.bucketName,
      kmsKeyId: props.encryptionKey.keyArn,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      dependsOn: [props.bucketPolicy, ...(props.encryptionKey.keyPolicy ? [props.encryptionKey.keyPolicy] : [])],
      lifecycle: { preventDestroy: true },
    });
  }
}

/**
 * Bucket policy statements that let CloudTrail deliver the trail `trailArn` (and only it: aws:SourceArn) into
 * `AWSLogs/<account>/` of the bucket: the ACL check on the bucket and the upload with bucket-owner-full-control
 * (the AWS documented pair).
 */
export function cloudTrailBucketStatements(bucketArn: string, trailArnValue: string, account: string): Statement[] {
  const service = { Service: ["cloudtrail.amazonaws.com"] };
  const thisTrail = { "aws:SourceArn": trailArnValue };
  return [
    {
      sid: "CloudTrailAclCheck",
      effect: "Allow",
      principals: service,
      actions: ["s3:GetBucketAcl"],
      resources: [bucketArn],
      conditions: { StringEquals: thisTrail },
    },
    {
      sid: "CloudTrailWrite",
      effect: "Allow",
      principals: service,
      actions: ["s3:PutObject"],
      resources: [`${bucketArn}/AWSLogs/${account}/*`],
      conditions: { StringEquals: { ...thisTrail, "s3:x-amz-acl": "bucket-owner-full-control" } },
    },
  ];
}

/**
 * Key policy statements that let CloudTrail encrypt the log files of the trail `trailArnValue` (and only it), as
 * the CloudTrail User Guide's key policy shows: GenerateDataKey* with the trail's encryption context, DescribeKey.
 */
export function cloudTrailKeyStatements(trailArnValue: string, account: string, partition = "aws"): Statement[] {
  const service = { Service: ["cloudtrail.amazonaws.com"] };
  return [
    {
      sid: "CloudTrailEncryptLogs",
      effect: "Allow",
      principals: service,
      actions: ["kms:GenerateDataKey*"],
      resources: ["*"],
      conditions: {
        StringEquals: { "aws:SourceArn": trailArnValue },
        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${partition}:cloudtrail:*:${account}:trail/*` },
      },
    },
    {
      sid: "CloudTrailDescribeKey",
      effect: "Allow",
      principals: service,
      actions: ["kms:DescribeKey"],
      resources: ["*"],
      conditions: { StringEquals: { "aws:SourceArn": trailArnValue } },
    },
  ];
}
