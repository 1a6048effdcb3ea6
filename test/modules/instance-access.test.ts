/** Instance access modules: role and profile, Default Host Management, hardened launch template. */
import {
  DefaultHostManagement,
  HardenedLaunchTemplate,
  InstanceRole,
  MANAGED_INSTANCE_CORE_ARN,
  DHMC_MANAGED_POLICY_ARN,
  architectureOf,
} from "../../modules/instance-access";
import {
  DataAwsSsmParameter,
  IamInstanceProfile,
  IamRole,
  IamRolePolicy,
  IamRolePolicyAttachment,
  Instance,
  LaunchTemplate,
  SsmServiceSetting,
} from "../../modules/core/aws";
import { SessionKey, SessionLogBucket, SessionLogGroup } from "../../modules/session-logging";
import { evaluate } from "../../ops/lib/iam-evaluate";
import {
  addressOf,
  bodyOf,
  childElement,
  dataSources,
  onlyResource,
  policyOf,
  refOf,
  resources,
  synthJson,
  testStack,
  type Body,
} from "../helpers/synth";

const account = { account: "111111111111", region: "eu-west-1" };

function role(props: Partial<ConstructorParameters<typeof InstanceRole>[2]> = {}) {
  const stack = testStack();
  const r = new InstanceRole(stack, "InstanceRole", { roleName: "bl-dev-session-instance", ...props });
  return { stack, role: r, tf: () => synthJson(stack) };
}
const actionsOf = (tf: ReturnType<typeof synthJson>) =>
  policyOf(onlyResource(tf, IamRolePolicy)).Statement.flatMap((s) => [s.Action].flat() as string[]);

describe("InstanceRole", () => {
  test("GIVEN a policyRenderer THEN it writes the inline policy from every statement, grants made later included", () => {
    // GIVEN a renderer that lists the statement ids
    const seen: string[][] = [];
    const { role: r, tf } = role({
      policyRenderer: (statements) => {
        seen.push(statements.map((s) => s.sid ?? ""));
        return `sids:${statements.map((s) => s.sid).join(",")}`;
      },
    });
    // WHEN a grant arrives after construction
    r.addToPrincipalPolicy({ sid: "Later", effect: "Allow", actions: ["s3:GetObject"], resources: ["*"] });
    // THEN the policy is what the renderer made of all of them, at synth time
    expect(onlyResource(tf(), IamRolePolicy).policy).toBe("sids:SessionManagerAgent,LegacyAgentMessages,Later");
    expect(seen.length).toBeGreaterThan(0);
  });

  test("trusts ec2.amazonaws.com with no SourceAccount/SourceArn condition (EC2 does not pass them for instance profiles)", () => {
    const tf = role().tf();
    const trust = policyOf(onlyResource(tf, IamRole), "assume_role_policy").Statement;
    expect(trust).toEqual([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    expect(onlyResource(tf, IamInstanceProfile)).toMatchObject({ name: "bl-dev-session-instance" });
  });

  test("least privilege by default: registration and the four channel actions, plus ec2messages for legacy agents", () => {
    expect(actionsOf(role().tf()).sort()).toEqual([
      "ec2messages:AcknowledgeMessage",
      "ec2messages:DeleteMessage",
      "ec2messages:FailMessage",
      "ec2messages:GetEndpoint",
      "ec2messages:GetMessages",
      "ec2messages:SendReply",
      "ssm:UpdateInstanceInformation",
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]);
  });

  test("without legacy agent support there are no ec2messages actions", () => {
    expect(actionsOf(role({ legacyAgentSupport: false }).tf()).filter((a) => a.startsWith("ec2messages:"))).toEqual([]);
  });

  test("AmazonSSMManagedInstanceCore only on explicit opt-in", () => {
    expect(resources(role().tf(), IamRolePolicyAttachment)).toEqual([]);
    expect(resources(role({ managedInstanceCore: true }).tf(), IamRolePolicyAttachment)).toEqual([
      expect.objectContaining({ policy_arn: MANAGED_INSTANCE_CORE_ARN }),
    ]);
  });

  test("an optional permissions boundary", () => {
    expect(onlyResource(role().tf(), IamRole).permissions_boundary).toBeUndefined();
    const boundary = "arn:aws:iam::111111111111:policy/platform-boundary";
    expect(onlyResource(role({ permissionsBoundaryArn: boundary }).tf(), IamRole).permissions_boundary).toBe(boundary);
  });

  test("logging grants come from the logging resources (grantSessionWrite / grantEncryptDecrypt), scoped to them", () => {
    // GIVEN a role and the logging resources
    const { stack, role: r, tf } = role({ legacyAgentSupport: false });
    const key = new SessionKey(stack, "Key", { ...account, alias: "alias/bl-dev", logGroupNamePattern: "/bl/dev/*" });
    const group = new SessionLogGroup(stack, "Group", {
      name: "/bl/dev/sessions",
      encryptionKey: key,
    });
    const bucket = new SessionLogBucket(stack, "Bucket", {
      bucketName: "bl-dev-logs",
      encryptionKey: key,
      expireDays: 365,
      noncurrentExpireDays: 365,
    });
    // WHEN
    group.grantSessionWrite(r);
    bucket.grantSessionWrite(r, "dev");
    key.grantEncryptDecrypt(r);
    // THEN
    const policy = bodyOf(tf(), r.policy);
    expect(policy.name).toBe("session-manager");
    const statements = policyOf(policy).Statement;
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s])) as Record<string, Body>;
    expect(bySid.SessionLogObjects).toMatchObject({
      Action: "s3:PutObject",
      Resource: `${refOf(stack, bucket.bucketArn)}/dev/*`,
    });
    expect(bySid.SessionLogBucketEncryption).toMatchObject({ Action: "s3:GetEncryptionConfiguration" });
    expect(bySid.SessionLogStreams).toMatchObject({
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: `${refOf(stack, group.logGroupArn)}:*`,
    });
    expect(bySid.SessionLogGroupLookup).toMatchObject({ Action: "logs:DescribeLogGroups", Resource: "*" });
    expect(bySid.SessionKeyEncryptDecrypt).toMatchObject({
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: refOf(stack, key.keyArn),
    });
  });
});

describe("DefaultHostManagement", () => {
  test("a role trusting ssm.amazonaws.com with the AWS default-instance policy, and the service setting pointing at it", () => {
    const stack = testStack();
    const dhmc = new DefaultHostManagement(stack, "Dhmc", { ...account, roleName: "bl-dev-dhmc" });
    const tf = synthJson(stack);
    const r = onlyResource(tf, IamRole);
    expect(r).toMatchObject({ name: "bl-dev-dhmc", path: "/service-role/" });
    expect(policyOf(r, "assume_role_policy").Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "ssm.amazonaws.com" },
        Action: "sts:AssumeRole",
        // confused deputy: only this account's Systems Manager, in this region
        Condition: {
          StringEquals: { "aws:SourceAccount": "111111111111" },
          ArnLike: { "aws:SourceArn": "arn:aws:ssm:eu-west-1:111111111111:*" },
        },
      },
    ]);
    expect(onlyResource(tf, IamRolePolicyAttachment).policy_arn).toBe(DHMC_MANAGED_POLICY_ARN);
    expect(onlyResource(tf, SsmServiceSetting)).toEqual({
      setting_id:
        "arn:aws:ssm:eu-west-1:111111111111:servicesetting/ssm/managed-instance/default-ec2-instance-management-role",
      setting_value: "service-role/bl-dev-dhmc",
      depends_on: [
        addressOf(dhmc.role),
        addressOf(childElement(dhmc, "DefaultInstancePolicy")),
        addressOf(dhmc.policy),
      ],
    });
  });
});

test("DefaultHostManagement trust, evaluated: this account's Systems Manager may assume the role, another account's may not", async () => {
  const stack = testStack();
  new DefaultHostManagement(stack, "Dhmc", { ...account, roleName: "bl-dev-dhmc" });
  const trust = policyOf(onlyResource(synthJson(stack), IamRole), "assume_role_policy");
  const assume = (sourceAccount: string, sourceArn: string) =>
    evaluate(
      {
        principal: "ssm.amazonaws.com",
        action: "sts:AssumeRole",
        resource: "arn:aws:iam::111111111111:role/service-role/bl-dev-dhmc",
        resourceAccount: "111111111111",
        context: { "aws:SourceAccount": sourceAccount, "aws:SourceArn": sourceArn },
      },
      [],
      trust,
    );
  expect(await assume("111111111111", "arn:aws:ssm:eu-west-1:111111111111:managed-instance/i-0abc")).toBe("Allowed");
  expect(await assume("444444444444", "arn:aws:ssm:eu-west-1:444444444444:managed-instance/i-0abc")).not.toBe(
    "Allowed",
  );
  expect(await assume("111111111111", "arn:aws:ssm:us-east-1:111111111111:managed-instance/i-0abc")).not.toBe(
    "Allowed",
  );
});

describe("HardenedLaunchTemplate", () => {
  function template(props: Partial<ConstructorParameters<typeof HardenedLaunchTemplate>[2]> = {}, launch = false) {
    const stack = testStack();
    const t = new HardenedLaunchTemplate(stack, "Lt", {
      name: "bl-dev-session-instance",
      instanceType: "t4g.nano",
      instanceProfile: { arn: "arn:aws:iam::111111111111:instance-profile/bl-dev-session-instance" },
      securityGroupIds: ["sg-instances"],
      subnetId: "subnet-a",
      instanceTags: { Team: "platform" },
      ...props,
    });
    if (launch) t.launch(stack, "Example");
    return Object.assign(synthJson(stack), { templateId: refOf(stack, t.template.id) });
  }

  test("no public IP, in the instance SG and the given subnet", () => {
    const lt = onlyResource(template(), LaunchTemplate);
    expect(lt.network_interfaces).toEqual([
      expect.objectContaining({
        associate_public_ip_address: "false",
        security_groups: ["sg-instances"],
        subnet_id: "subnet-a",
        device_index: 0,
      }),
    ]);
  });

  test("IMDSv2 required, hop limit 1", () => {
    expect(onlyResource(template(), LaunchTemplate).metadata_options).toMatchObject({
      http_tokens: "required",
      http_endpoint: "enabled",
      http_put_response_hop_limit: 1,
    });
  });

  test("encrypted gp3 root volume", () => {
    expect(onlyResource(template(), LaunchTemplate).block_device_mappings).toEqual([
      {
        device_name: "/dev/xvda",
        ebs: expect.objectContaining({ encrypted: "true", volume_type: "gp3", volume_size: 8 }),
      },
    ]);
  });

  test("the instance profile, and the tags the operator policies match on instances and volumes", () => {
    const lt = onlyResource(template(), LaunchTemplate);
    expect(lt.iam_instance_profile).toEqual({
      arn: "arn:aws:iam::111111111111:instance-profile/bl-dev-session-instance",
    });
    expect(lt.tag_specifications).toEqual([
      { resource_type: "instance", tags: { Name: "bl-dev-session-instance", Team: "platform" } },
      { resource_type: "volume", tags: { Name: "bl-dev-session-instance", Team: "platform" } },
    ]);
  });

  test("the latest Amazon Linux 2023 for the instance architecture, through the public SSM parameter", () => {
    expect(dataSources(template(), DataAwsSsmParameter)).toEqual([
      expect.objectContaining({ name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64" }),
    ]);
    expect(dataSources(template({ instanceType: "t3.micro" }), DataAwsSsmParameter)[0].name).toBe(
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    );
    expect(architectureOf("m7g.large")).toBe("arm64");
    expect(architectureOf("c5.xlarge")).toBe("x86_64");
  });

  test("launch() starts one instance from the template and nothing that overrides it", () => {
    const tf = template({}, true);
    const [i] = resources(tf, Instance);
    expect(i.launch_template).toEqual({
      id: tf.templateId,
      version: "$Latest",
    });
    for (const k of ["associate_public_ip_address", "metadata_options", "root_block_device", "subnet_id"])
      expect(i[k]).toBeUndefined();
  });
});
