import { DataAwsSsmParameter, Instance, LaunchTemplate } from "../core/aws";
import { Construct, Fn, Token } from "../core/cdktf";

/** The instances' profile: the provider's `IamInstanceProfile` (e.g. `InstanceRole.instanceProfile`), or `{ arn }`. */
export interface IInstanceProfile {
  readonly arn: string;
}

export interface HardenedLaunchTemplateProps {
  readonly name: string;
  readonly instanceType: string;
  readonly instanceProfile: IInstanceProfile;
  readonly securityGroupIds: readonly string[];
  /** Subnet of the network interface (an Auto Scaling group overrides it). @default - chosen at launch */
  readonly subnetId?: string;
  /** Tags put on instances and volumes (e.g. the ones access groups match). @default - none */
  readonly instanceTags?: Record<string, string>;
  /** @default - the latest Amazon Linux 2023 AMI for the instance type's architecture (public SSM parameter) */
  readonly imageId?: string;
  /**
   * CPU architecture of that AMI (`arm64` or `x86_64`); needed when `instanceType` is only known to Terraform.
   * @default - derived from the instance type
   */
  readonly architecture?: string;
  /** Root volume size in GiB. @default 8 */
  readonly rootVolumeGiB?: number;
}

/** arm64 for Graviton families (t4g, m7g, c6gn, ...), x86_64 otherwise. */
export function architectureOf(instanceType: string): "arm64" | "x86_64" {
  return /^[a-z]+\d+g[a-z]*\./.test(instanceType) ? "arm64" : "x86_64";
}

/**
 * A launch template for instances reached through Session Manager: no public IP, IMDSv2 required (hop limit 1),
 * encrypted gp3 root volume, the Session Manager instance profile and security group, and the given tags.
 */
export class HardenedLaunchTemplate extends Construct {
  public readonly template: LaunchTemplate;

  constructor(scope: Construct, id: string, props: HardenedLaunchTemplateProps) {
    super(scope, id);
    if (props.imageId === undefined && props.architecture === undefined && Token.isUnresolved(props.instanceType)) {
      throw new Error("HardenedLaunchTemplate: give architecture (or imageId) when instanceType is a Terraform value");
    }
    const imageId =
      props.imageId ??
      new DataAwsSsmParameter(this, "AmazonLinux2023", {
        name: `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${props.architecture ?? architectureOf(props.instanceType)}`,
      }).insecureValue;
    const tags = props.instanceTags ?? {};
    // A tag map from Terraform (registry module variable) is merged by Terraform.
    const named: Record<string, string> = Token.isUnresolved(tags)
      ? Token.asStringMap(Fn.merge([{ Name: props.name }, tags]))
      : { Name: props.name, ...tags };
    this.template = new LaunchTemplate(this, "Resource", {
      name: props.name,
      description: "Session Manager instance: no public IP, IMDSv2 only, encrypted root volume",
      imageId,
      instanceType: props.instanceType,
      updateDefaultVersion: true,
      iamInstanceProfile: { arn: props.instanceProfile.arn },
      networkInterfaces: [
        {
          deviceIndex: 0,
          associatePublicIpAddress: "false",
          deleteOnTermination: "true",
          securityGroups: [...props.securityGroupIds],
          subnetId: props.subnetId,
        },
      ],
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            encrypted: "true",
            volumeType: "gp3",
            volumeSize: props.rootVolumeGiB ?? 8,
            deleteOnTermination: "true",
          },
        },
      ],
      tagSpecifications: [
        { resourceType: "instance", tags: named },
        { resourceType: "volume", tags: named },
      ],
      tags,
    });
  }

  /** Launches one instance from this template (in the template's subnet; RunInstances rejects a second one). */
  public launch(scope: Construct, id: string): Instance {
    return new Instance(scope, id, {
      launchTemplate: { id: this.template.id, version: "$Latest" },
      lifecycle: { ignoreChanges: ["launch_template"] },
    });
  }
}
