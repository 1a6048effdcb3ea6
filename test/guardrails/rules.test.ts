/**
 * Every guardrail rule against a compliant and a non-compliant fixture. Fixtures are raw Terraform configuration
 * (what cdk.tf.json holds), so each rule is proven on the shape Terraform receives, whoever wrote the resource.
 * Compliant fixtures must produce no finding at all (from any rule), so they double as the reference shape.
 */
import * as fs from "fs";
import type { TerraformStack } from "../../modules/core/cdktf";
import { allRules } from "../../modules/guardrails";
import { bucketFixture, check, groupPolicy, raw, rawData, ruleIds } from "../helpers/guardrails";

const kmsArn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000";

/** Asserts the fixture is clean; returns nothing so a test reads GIVEN/WHEN/THEN. */
function expectClean(build: (stack: TerraformStack) => void, props = {}) {
  expect(check(build, props).map((r) => r.message)).toEqual([]);
}

/** The findings of `rule` in the fixture, after asserting one of them matches `detail`. */
function findingsOf(build: (stack: TerraformStack) => void, rule: string, detail: RegExp, props = {}) {
  const reported = check(build, props).filter((r) => r.rule === rule);
  expect(reported.map((r) => r.message)).toEqual(expect.arrayContaining([expect.stringMatching(detail)]));
  return reported;
}

function expectFinding(build: (stack: TerraformStack) => void, rule: string, detail: RegExp, props = {}): void {
  findingsOf(build, rule, detail, props);
}

const sg = (stack: TerraformStack) =>
  raw(stack, "aws_security_group", "sg", { name: "x", description: "fixture", vpc_id: "vpc-1" });
const ingress = (stack: TerraformStack, config: Record<string, unknown>) =>
  raw(stack, "aws_vpc_security_group_ingress_rule", "in", {
    security_group_id: "${aws_security_group.sg.id}",
    description: "fixture rule",
    ...config,
  });

describe("BL-NET-001 no ingress from anywhere", () => {
  test("compliant: ingress from a private CIDR", () =>
    expectClean((s) => {
      sg(s);
      ingress(s, { cidr_ipv4: "10.0.0.0/16", ip_protocol: "tcp", from_port: 443, to_port: 443 });
    }));
  test("non-compliant: 0.0.0.0/0 on a standalone rule, with address and construct path in the finding", () => {
    const [f] = findingsOf(
      (s) => {
        sg(s);
        ingress(s, { cidr_ipv4: "0.0.0.0/0", ip_protocol: "tcp", from_port: 443, to_port: 443 });
      },
      "BL-NET-001",
      /ingress from 0\.0\.0\.0\/0 \[aws_vpc_security_group_ingress_rule\.in\]\. Fix: /,
    );
    expect(f.level).toBe("error");
    expect(f.path).toBe("test/in");
  });
  test("non-compliant: ::/0 in an inline ingress block and in an aws_security_group_rule", () => {
    const reported = check((s) => {
      raw(s, "aws_security_group", "inline", {
        description: "x",
        ingress: [{ ipv6_cidr_blocks: ["::/0"], protocol: "tcp", from_port: 443, to_port: 443, description: "d" }],
      });
      raw(s, "aws_security_group_rule", "legacy", {
        type: "ingress",
        security_group_id: "sg-1",
        cidr_blocks: ["0.0.0.0/0"],
        protocol: "tcp",
        from_port: 443,
        to_port: 443,
        description: "d",
      });
    }).filter((r) => r.rule === "BL-NET-001");
    expect(reported.map((r) => r.path).sort()).toEqual(["test/inline", "test/legacy"]);
  });
  test("egress to anywhere is not this rule's business", () =>
    expectClean((s) => {
      sg(s);
      raw(s, "aws_vpc_security_group_egress_rule", "out", {
        security_group_id: "${aws_security_group.sg.id}",
        cidr_ipv4: "0.0.0.0/0",
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        description: "https out",
      });
    }));
});

describe("BL-NET-002 no SSH/RDP ingress", () => {
  test("compliant: 443 from a security group", () =>
    expectClean((s) => {
      sg(s);
      ingress(s, {
        referenced_security_group_id: "${aws_security_group.sg.id}",
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
      });
    }));
  test.each([
    [{ ip_protocol: "tcp", from_port: 22, to_port: 22 }, /SSH \(22\)/],
    [{ ip_protocol: "tcp", from_port: 3389, to_port: 3389 }, /RDP \(3389\)/],
    [{ ip_protocol: "tcp", from_port: 0, to_port: 65535 }, /SSH \(22\) and RDP \(3389\)/],
    [{ ip_protocol: "-1" }, /all traffic admits SSH/],
  ])("non-compliant: %j even from a private source", (ports, detail) =>
    expectFinding(
      (s) => {
        sg(s);
        ingress(s, { cidr_ipv4: "10.0.0.0/8", ...ports });
      },
      "BL-NET-002",
      detail,
    ),
  );
  test("a UDP range over 22 is not SSH, but UDP 3389 is RDP", () => {
    expectClean((s) => {
      sg(s);
      ingress(s, { cidr_ipv4: "10.0.0.0/8", ip_protocol: "udp", from_port: 20, to_port: 25 });
    });
    expectFinding(
      (s) => {
        sg(s);
        ingress(s, { cidr_ipv4: "10.0.0.0/8", ip_protocol: "17", from_port: 3389, to_port: 3389 });
      },
      "BL-NET-002",
      /RDP \(3389\)/,
    );
  });
});

describe("BL-NET-003 rules are described (warning)", () => {
  test("compliant: described", () =>
    expectClean((s) => {
      sg(s);
      ingress(s, { referenced_security_group_id: "sg-2", ip_protocol: "tcp", from_port: 443, to_port: 443 });
    }));
  test("non-compliant: no description is a warning, not an error", () => {
    const [f] = findingsOf(
      (s) => {
        sg(s);
        raw(s, "aws_vpc_security_group_egress_rule", "out", {
          security_group_id: "sg-1",
          referenced_security_group_id: "sg-2",
          ip_protocol: "tcp",
          from_port: 443,
          to_port: 443,
        });
      },
      "BL-NET-003",
      /egress rule has no description/,
    );
    expect(f.level).toBe("warning");
  });
});

const hardenedTemplate = (s: TerraformStack, overrides: Record<string, unknown> = {}) =>
  raw(s, "aws_launch_template", "lt", {
    metadata_options: { http_tokens: "required", http_endpoint: "enabled" },
    block_device_mappings: [{ device_name: "/dev/xvda", ebs: { encrypted: "true", volume_size: 8 } }],
    network_interfaces: [{ associate_public_ip_address: "false" }],
    ...overrides,
  });
const fromTemplate = (s: TerraformStack, overrides: Record<string, unknown> = {}) =>
  raw(s, "aws_instance", "i", {
    launch_template: { id: "${aws_launch_template.lt.id}", version: "$Latest" },
    ...overrides,
  });

describe("BL-NET-004 no public IP", () => {
  test("compliant: instance from a private template in a private subnet", () =>
    expectClean((s) => {
      hardenedTemplate(s);
      fromTemplate(s);
      raw(s, "aws_subnet", "private", { vpc_id: "vpc-1", cidr_block: "10.0.1.0/24", map_public_ip_on_launch: false });
    }));
  test.each([
    [
      "instance",
      (s: TerraformStack) => {
        hardenedTemplate(s);
        fromTemplate(s, { associate_public_ip_address: true });
      },
      /associate_public_ip_address = true/,
    ],
    [
      "launch template",
      (s: TerraformStack) => hardenedTemplate(s, { network_interfaces: [{ associate_public_ip_address: "true" }] }),
      /network_interfaces\[0\]\.associate_public_ip_address = "true"/,
    ],
    [
      "subnet",
      (s: TerraformStack) =>
        raw(s, "aws_subnet", "pub", { vpc_id: "vpc-1", cidr_block: "10.0.0.0/24", map_public_ip_on_launch: true }),
      /map_public_ip_on_launch = true/,
    ],
    [
      "Elastic IP",
      (s: TerraformStack) => raw(s, "aws_eip", "eip", { instance: "i-123", domain: "vpc" }),
      /Elastic IP attached/,
    ],
  ])("non-compliant: %s", (_what, build, detail) => expectFinding(build, "BL-NET-004", detail));
});

describe("BL-NET-005 IMDSv2 required", () => {
  test("compliant: template requires tokens; the instance inherits it", () =>
    expectClean((s) => {
      hardenedTemplate(s);
      fromTemplate(s);
    }));
  test("non-compliant: template with optional tokens (and its instance)", () => {
    const reported = findingsOf(
      (s) => {
        hardenedTemplate(s, { metadata_options: { http_tokens: "optional" } });
        fromTemplate(s);
      },
      "BL-NET-005",
      /http_tokens is not "required"/,
    );
    expect(reported.map((r) => r.path).sort()).toEqual(["test/i", "test/lt"]);
  });
  test("non-compliant: instance with no metadata options and no template", () =>
    expectFinding(
      (s) => {
        raw(s, "aws_instance", "bare", {
          ami: "ami-1",
          instance_type: "t4g.nano",
          root_block_device: { encrypted: true },
        });
      },
      "BL-NET-005",
      /no metadata_options and no IMDSv2-only launch template/,
    ));
});

describe("BL-NET-006 EBS encrypted", () => {
  test("compliant: encrypted template root volume; encrypted extra volume", () =>
    expectClean((s) => {
      hardenedTemplate(s);
      fromTemplate(s);
      raw(s, "aws_ebs_volume", "data", { availability_zone: "eu-west-1a", size: 10, encrypted: true });
    }));
  test.each([
    [
      "template volume",
      (s: TerraformStack) =>
        hardenedTemplate(s, { block_device_mappings: [{ device_name: "/dev/xvda", ebs: { encrypted: "false" } }] }),
      /"\/dev\/xvda" has encrypted = "false"/,
    ],
    [
      "template without volumes",
      (s: TerraformStack) => hardenedTemplate(s, { block_device_mappings: [] }),
      /no block_device_mappings/,
    ],
    [
      "instance root volume",
      (s: TerraformStack) =>
        raw(s, "aws_instance", "x", {
          metadata_options: { http_tokens: "required" },
          root_block_device: { encrypted: false },
        }),
      /root_block_device\.encrypted is not true/,
    ],
    [
      "volume",
      (s: TerraformStack) => raw(s, "aws_ebs_volume", "v", { availability_zone: "eu-west-1a", size: 1 }),
      /encrypted is not true/,
    ],
  ])("non-compliant: %s", (_what, build, detail) => expectFinding(build, "BL-NET-006", detail));
  test("account default encryption in the stack covers every volume", () =>
    expectClean((s) => {
      raw(s, "aws_ebs_encryption_by_default", "default", { enabled: true });
      raw(s, "aws_ebs_volume", "v", { availability_zone: "eu-west-1a", size: 1 });
    }));
});

describe("BL-NET-007 interface endpoints have private DNS", () => {
  const endpoint = (s: TerraformStack, config: Record<string, unknown>) =>
    raw(s, "aws_vpc_endpoint", "e", { vpc_id: "vpc-1", service_name: "com.amazonaws.eu-west-1.ssm", ...config });
  test("compliant: private DNS on; gateway endpoints are exempt", () =>
    expectClean((s) => {
      endpoint(s, { vpc_endpoint_type: "Interface", private_dns_enabled: true });
      raw(s, "aws_vpc_endpoint", "s3", {
        vpc_id: "vpc-1",
        service_name: "com.amazonaws.eu-west-1.s3",
        vpc_endpoint_type: "Gateway",
      });
    }));
  test("non-compliant: private DNS off", () =>
    expectFinding(
      (s) => endpoint(s, { vpc_endpoint_type: "Interface", private_dns_enabled: false }),
      "BL-NET-007",
      /private_dns_enabled = false for com\.amazonaws\.eu-west-1\.ssm/,
    ));
});

const logGroup = (s: TerraformStack, config: Record<string, unknown>) =>
  raw(s, "aws_cloudwatch_log_group", "lg", { name: "/x/sessions", skip_destroy: true, ...config });

describe("BL-LOG-001 log groups use a customer key", () => {
  test("compliant", () => expectClean((s) => logGroup(s, { kms_key_id: kmsArn, retention_in_days: 365 })));
  test("non-compliant: no kms_key_id", () =>
    expectFinding((s) => logGroup(s, { retention_in_days: 365 }), "BL-LOG-001", /"\/x\/sessions" has no kms_key_id/));
});

describe("BL-LOG-002 log retention at least the environment minimum", () => {
  test("compliant: 365 days, and 0 (never expire)", () => {
    expectClean((s) => logGroup(s, { kms_key_id: kmsArn, retention_in_days: 365 }));
    expectClean((s) => logGroup(s, { kms_key_id: kmsArn, retention_in_days: 0 }));
  });
  test("non-compliant: 30 days against the default minimum of 365", () =>
    expectFinding(
      (s) => logGroup(s, { kms_key_id: kmsArn, retention_in_days: 30 }),
      "BL-LOG-002",
      /retention_in_days = 30, minimum 365/,
    ));
  test("the minimum comes from the options (guardrails.minLogRetentionDays)", () => {
    expectClean((s) => logGroup(s, { kms_key_id: kmsArn, retention_in_days: 30 }), { minLogRetentionDays: 30 });
    expectFinding((s) => logGroup(s, { kms_key_id: kmsArn, retention_in_days: 30 }), "BL-LOG-002", /minimum 90/, {
      minLogRetentionDays: 90,
    });
  });
});

describe("bucket rules (BL-BKT-001..005)", () => {
  test("compliant: the full private baseline", () => expectClean((s) => bucketFixture(s)));
  test.each([
    ["aws_s3_bucket_public_access_block", "BL-BKT-001", /has no public access block/],
    ["aws_s3_bucket_policy", "BL-BKT-002", /has no bucket policy/],
    ["aws_s3_bucket_server_side_encryption_configuration", "BL-BKT-003", /default encryption not configured/],
    ["aws_s3_bucket_versioning", "BL-BKT-004", /is not versioned/],
    ["aws_s3_bucket_ownership_controls", "BL-BKT-005", /object ownership is not BucketOwnerEnforced/],
  ])("non-compliant: without %s → %s (and only that rule)", (omit, rule, detail) => {
    const reported = findingsOf((s) => bucketFixture(s, [omit]), rule, detail);
    expect(ruleIds(check((s) => bucketFixture(s, [omit])))).toEqual([rule]);
    expect(reported[0].path).toBe("test/b");
  });
  test("BL-BKT-001: one setting off", () =>
    expectFinding(
      (s) => {
        bucketFixture(s, ["aws_s3_bucket_public_access_block"]);
        raw(s, "aws_s3_bucket_public_access_block", "pab", {
          bucket: "${aws_s3_bucket.b.id}",
          block_public_acls: true,
          block_public_policy: false,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        });
      },
      "BL-BKT-001",
      /block_public_policy not true/,
    ));
  test("BL-BKT-002: a policy without the TLS deny", () =>
    expectFinding(
      (s) => {
        bucketFixture(s, ["aws_s3_bucket_policy"]);
        raw(s, "aws_s3_bucket_policy", "p", {
          bucket: "${aws_s3_bucket.b.id}",
          policy: JSON.stringify({
            Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: "*" }],
          }),
        });
      },
      "BL-BKT-002",
      /no Deny on aws:SecureTransport/,
    ));
  test("BL-BKT-003: SSE-S3 (AES256) is not enough", () =>
    expectFinding(
      (s) => {
        bucketFixture(s, ["aws_s3_bucket_server_side_encryption_configuration"]);
        raw(s, "aws_s3_bucket_server_side_encryption_configuration", "e", {
          bucket: "${aws_s3_bucket.b.id}",
          rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
        });
      },
      "BL-BKT-003",
      /is \["AES256"\]/,
    ));
  test("BL-BKT-005: an ACL resource", () =>
    expectFinding(
      (s) => {
        bucketFixture(s);
        raw(s, "aws_s3_bucket_acl", "acl", { bucket: "${aws_s3_bucket.b.id}", acl: "log-delivery-write" });
      },
      "BL-BKT-005",
      /ACL set on bucket example-logs/,
    ));
  test("companions are matched by literal bucket name too", () =>
    expectClean((s) => {
      raw(s, "aws_s3_bucket", "b", { bucket: "by-name", lifecycle: { prevent_destroy: true } });
      raw(s, "aws_s3_bucket_public_access_block", "pab", {
        bucket: "by-name",
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      raw(s, "aws_s3_bucket_policy", "p", {
        bucket: "by-name",
        policy: JSON.stringify({
          Statement: [
            {
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: ["arn:aws:s3:::by-name", "arn:aws:s3:::by-name/*"],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      });
      raw(s, "aws_s3_bucket_server_side_encryption_configuration", "e", {
        bucket: "by-name",
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } }],
      });
      raw(s, "aws_s3_bucket_versioning", "v", { bucket: "by-name", versioning_configuration: { status: "Enabled" } });
      raw(s, "aws_s3_bucket_ownership_controls", "o", {
        bucket: "by-name",
        rule: { object_ownership: "BucketOwnerEnforced" },
      });
    }));
});

describe("BL-KMS-001 keys rotate", () => {
  const key = (s: TerraformStack, config: Record<string, unknown>) =>
    raw(s, "aws_kms_key", "k", { lifecycle: { prevent_destroy: true }, ...config });
  test("compliant: rotation on; asymmetric keys (which cannot rotate) are exempt", () =>
    expectClean((s) => {
      key(s, { enable_key_rotation: true });
      raw(s, "aws_kms_key", "signing", {
        customer_master_key_spec: "ECC_NIST_P256",
        key_usage: "SIGN_VERIFY",
        lifecycle: { prevent_destroy: true },
      });
    }));
  test("non-compliant: rotation unset", () =>
    expectFinding((s) => key(s, {}), "BL-KMS-001", /enable_key_rotation = null/));
});

const preferences = (s: TerraformStack, inputs: Record<string, unknown>) =>
  raw(s, "aws_ssm_document", "prefs", {
    name: "SSM-SessionManagerRunShell",
    document_type: "Session",
    document_format: "JSON",
    content: JSON.stringify({ schemaVersion: "1.0", sessionType: "Standard_Stream", inputs }),
  });
const goodInputs = {
  s3BucketName: "logs",
  s3EncryptionEnabled: true,
  cloudWatchLogGroupName: "",
  cloudWatchEncryptionEnabled: false,
  kmsKeyId: kmsArn,
};

describe("BL-SES-001 sessions log to an encrypted destination", () => {
  test("compliant: S3 with encryption enforced; CloudWatch with encryption enforced", () => {
    expectClean((s) => preferences(s, goodInputs));
    expectClean((s) =>
      preferences(s, {
        ...goodInputs,
        s3BucketName: "",
        cloudWatchLogGroupName: "/x",
        cloudWatchEncryptionEnabled: true,
      }),
    );
  });
  test("non-compliant: no destination", () =>
    expectFinding(
      (s) => preferences(s, { ...goodInputs, s3BucketName: "" }),
      "BL-SES-001",
      /no s3BucketName and no cloudWatchLogGroupName/,
    ));
  test("non-compliant: destination without enforced encryption", () =>
    expectFinding(
      (s) => preferences(s, { ...goodInputs, s3EncryptionEnabled: false }),
      "BL-SES-001",
      /encryption flag/,
    ));
  test("port-forwarding documents (sessionType Port) are not preferences documents", () =>
    expectClean((s) =>
      raw(s, "aws_ssm_document", "port", {
        name: "x",
        document_type: "Session",
        content: JSON.stringify({ schemaVersion: "1.0", sessionType: "Port", properties: {} }),
      }),
    ));
});

describe("BL-SES-002 session data uses a KMS key", () => {
  test("compliant", () => expectClean((s) => preferences(s, goodInputs)));
  test("non-compliant: kmsKeyId empty", () =>
    expectFinding((s) => preferences(s, { ...goodInputs, kmsKeyId: "" }), "BL-SES-002", /kmsKeyId is empty/));
});

describe("BL-IAM-001 no Action *", () => {
  test("compliant: named actions", () =>
    expectClean((s) => groupPolicy(s, [{ Effect: "Allow", Action: ["ssm:DescribeSessions"], Resource: "*" }])));
  test("non-compliant: Action * and Allow+NotAction", () => {
    expectFinding(
      (s) => groupPolicy(s, [{ Sid: "Admin", Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::x" }]),
      "BL-IAM-001",
      /statement Admin allows Action "\*"/,
    );
    expectFinding(
      (s) => groupPolicy(s, [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }]),
      "BL-IAM-001",
      /statement 0 allows NotAction/,
    );
  });
  test("a Deny with * is fine", () =>
    expectClean((s) =>
      groupPolicy(s, [
        { Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } },
      ]),
    ));
});

describe("BL-IAM-002 no write actions on Resource *", () => {
  test("compliant: reads on *, writes scoped, SSM channel actions on *", () =>
    expectClean((s) =>
      groupPolicy(s, [
        { Effect: "Allow", Action: ["ssm:DescribeSessions", "ec2:DescribeInstances", "ssm:Get*"], Resource: "*" },
        { Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::logs/*" },
        {
          Effect: "Allow",
          Action: [
            "ssm:UpdateInstanceInformation",
            "ssmmessages:CreateControlChannel",
            "ssmmessages:OpenDataChannel",
            "ec2messages:GetMessages",
          ],
          Resource: "*",
        },
      ]),
    ));
  test.each([
    [["s3:PutObject"], /allows s3:PutObject on "\*"/],
    [["ssmmessages:*"], /allows ssmmessages:\* on "\*"/],
    [["ssm:SendCommand", "ssm:DescribeSessions"], /allows ssm:SendCommand on/],
  ])("non-compliant: %j on *", (actions, detail) =>
    expectFinding((s) => groupPolicy(s, [{ Effect: "Allow", Action: actions, Resource: "*" }]), "BL-IAM-002", detail),
  );
});

describe("BL-IAM-003 no iam:PassRole on every role", () => {
  test("compliant: PassRole scoped to a role", () =>
    expectClean((s) =>
      groupPolicy(s, [
        { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/session-instance" },
      ]),
    ));
  test("non-compliant: iam:PassRole and iam:* on *", () => {
    expectFinding(
      (s) => groupPolicy(s, [{ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }]),
      "BL-IAM-003",
      /allows iam:PassRole on every role/,
    );
    expectFinding(
      (s) => groupPolicy(s, [{ Effect: "Allow", Action: "iam:Pass*", Resource: "*" }]),
      "BL-IAM-003",
      /iam:PassRole/,
    );
  });
});

const docCheck = { BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } };
const startOn = (resource: string | string[], condition: Record<string, unknown>) => ({
  Sid: "Start",
  Effect: "Allow",
  Action: "ssm:StartSession",
  Resource: resource,
  Condition: condition,
});

describe("BL-IAM-004 StartSession on instances needs a strict tag condition", () => {
  test("compliant: StringEquals on ssm:resourceTag; document-only statements need no tag", () =>
    expectClean((s) =>
      groupPolicy(s, [
        startOn("arn:aws:ec2:eu-west-1:111111111111:instance/*", {
          StringEquals: { "ssm:resourceTag/Team": "sre" },
          ...docCheck,
        }),
        startOn("arn:aws:ssm:eu-west-1:111111111111:document/SSM-SessionManagerRunShell", docCheck),
      ]),
    ));
  test("non-compliant: the IfExists form lets untagged instances through", () =>
    expectFinding(
      (s) =>
        groupPolicy(s, [
          startOn("arn:aws:ec2:eu-west-1:111111111111:instance/*", {
            StringEqualsIfExists: { "ssm:resourceTag/Team": "sre" },
            ...docCheck,
          }),
        ]),
      "BL-IAM-004",
      /StringEqualsIfExists ssm:resourceTag\/Team: an untagged instance passes/,
    ));
  test.each([
    ["instance/*", "arn:aws:ec2:eu-west-1:111111111111:instance/*"],
    ["*", "*"],
    ["a managed node", "arn:aws:ssm:*:*:managed-instance/*"],
    ["a Terraform reference", "${aws_instance.web.arn}"],
  ])("non-compliant: no tag condition on %s", (_what, resource) =>
    expectFinding((s) => groupPolicy(s, [startOn(resource, docCheck)]), "BL-IAM-004", /without a tag condition/),
  );
  test("a negated tag operator does not count", () =>
    expectFinding(
      (s) =>
        groupPolicy(s, [
          startOn("arn:aws:ec2:*:*:instance/*", { StringNotEquals: { "ssm:resourceTag/Team": "other" }, ...docCheck }),
        ]),
      "BL-IAM-004",
      /without a tag condition/,
    ));
});

describe("BL-IAM-005 every StartSession allow carries the document access check", () => {
  test("compliant: Bool or BoolIfExists true", () =>
    expectClean((s) =>
      groupPolicy(s, [
        startOn("arn:aws:ec2:*:*:instance/*", {
          StringEquals: { "ssm:resourceTag/Team": "sre" },
          Bool: { "ssm:SessionDocumentAccessCheck": "true" },
        }),
        startOn("arn:aws:ssm:*:*:document/SSM-SessionManagerRunShell", docCheck),
      ]),
    ));
  test("non-compliant: missing on the document statement, or set to false", () => {
    expectFinding(
      (s) => groupPolicy(s, [startOn("arn:aws:ssm:*:*:document/AWS-StartPortForwardingSession", {})]),
      "BL-IAM-005",
      /statement Start allows ssm:StartSession without ssm:SessionDocumentAccessCheck/,
    );
    expectFinding(
      (s) =>
        groupPolicy(s, [
          startOn("arn:aws:ec2:*:*:instance/*", {
            StringEquals: { "ssm:resourceTag/Team": "sre" },
            Bool: { "ssm:SessionDocumentAccessCheck": "false" },
          }),
        ]),
      "BL-IAM-005",
      /without/,
    );
  });
  test("ssm:* counts as allowing StartSession", () =>
    expectFinding(
      (s) => groupPolicy(s, [{ Effect: "Allow", Action: "ssm:*", Resource: "arn:aws:ssm:*:*:document/*" }]),
      "BL-IAM-005",
      /without/,
    ));
});

describe("BL-IAM-006 identity policies can be analysed", () => {
  test("compliant: an aws_iam_policy_document data source in the stack is read (and checked)", () => {
    expectClean((s) => {
      rawData(s, "aws_iam_policy_document", "doc", {
        statement: [{ effect: "Allow", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::x/*"] }],
      });
      raw(s, "aws_iam_role_policy", "rp", { role: "r", policy: "${data.aws_iam_policy_document.doc.json}" });
    });
    expectFinding(
      (s) => {
        rawData(s, "aws_iam_policy_document", "doc", {
          statement: [{ effect: "Allow", actions: ["s3:PutObject"], resources: ["*"] }],
        });
        raw(s, "aws_iam_role_policy", "rp", { role: "r", policy: "${data.aws_iam_policy_document.doc.json}" });
      },
      "BL-IAM-002",
      /allows s3:PutObject on "\*"/,
    );
  });
  test("non-compliant: a policy Terraform computes", () =>
    expectFinding(
      (s) => {
        raw(s, "aws_iam_role_policy", "rp", { role: "r", policy: "${jsonencode(var.policy)}" });
      },
      "BL-IAM-006",
      /the policy is computed by Terraform/,
    ));
  test("inline_policy blocks of aws_iam_role are checked too", () =>
    expectFinding(
      (s) =>
        raw(s, "aws_iam_role", "r", {
          assume_role_policy: "{}",
          inline_policy: [
            {
              name: "inline",
              policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
            },
          ],
        }),
      "BL-IAM-001",
      /inline_policy\[0\] \(inline\) statement 0/,
    ));
});

describe("BL-IAM-007 identity policies fit the IAM size limit of their attachment", () => {
  const statement = (resource: string) => ({ Effect: "Allow", Action: "s3:GetObject", Resource: resource });
  const sized = (n: number) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: Array.from({ length: n }, (_, i) => statement(`arn:aws:s3:::b/${i}`)),
    });
  test("compliant: a group policy under 5,120 characters", () =>
    expectClean((s) => {
      raw(s, "aws_iam_group_policy", "gp", { group: "g", policy: sized(10) });
    }));
  test("non-compliant: a group policy over 5,120 characters (more than a role would need)", () =>
    expectFinding(
      (s) => {
        raw(s, "aws_iam_group_policy", "gp", { group: "g", policy: sized(120) });
      },
      "BL-IAM-007",
      /inline policies of group g total [\d,]+ characters.*IAM allows 5,120/,
    ));
});

describe("BL-DUR-001 state, logs and keys are protected from destroy", () => {
  test("compliant: prevent_destroy on bucket and key, skip_destroy on the log group", () =>
    expectClean((s) => {
      bucketFixture(s);
      raw(s, "aws_kms_key", "k", { enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
      logGroup(s, { kms_key_id: kmsArn, retention_in_days: 365 });
    }));
  test.each([
    [
      "bucket without prevent_destroy",
      (s: TerraformStack) => bucketFixture(s, [], { lifecycle: {} }),
      /bucket without lifecycle\.prevent_destroy/,
    ],
    [
      "bucket with force_destroy",
      (s: TerraformStack) => bucketFixture(s, [], { force_destroy: true }),
      /force_destroy = true/,
    ],
    [
      "key",
      (s: TerraformStack) => raw(s, "aws_kms_key", "k", { enable_key_rotation: true }),
      /KMS key without lifecycle\.prevent_destroy/,
    ],
    [
      "log group",
      (s: TerraformStack) => raw(s, "aws_cloudwatch_log_group", "lg", { kms_key_id: kmsArn, retention_in_days: 365 }),
      /log group without skip_destroy/,
    ],
  ])("non-compliant: %s", (_what, build, detail) => expectFinding(build, "BL-DUR-001", detail));
});

test("every rule in the catalogue has fixtures in this file (or, for BL-NET-008..010, in adopted-network-rules.test.ts; BL-LOG-003 in audit-trail-rule.test.ts; BL-LOG-004 in alert-topic-rule.test.ts; BL-SES-003 in untranscribed-channel.test.ts)", () => {
  const source = [
    __filename,
    __filename.replace(/rules\.test\.ts$/, "adopted-network-rules.test.ts"),
    __filename.replace(/rules\.test\.ts$/, "audit-trail-rule.test.ts"),
    __filename.replace(/rules\.test\.ts$/, "alert-topic-rule.test.ts"),
    __filename.replace(/rules\.test\.ts$/, "untranscribed-channel.test.ts"),
  ]
    .map((f) => fs.readFileSync(f, "utf8"))
    .join("\n");
  for (const rule of allRules()) expect(source).toContain(`"${rule.id}"`);
});
