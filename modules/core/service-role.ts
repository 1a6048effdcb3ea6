import { IamRole, IamRolePolicy } from "./aws";
import { Construct } from "./cdktf";
import {
  renderPolicy,
  StatementCollector,
  type Conditions,
  type IGrantable,
  type PolicyRenderer,
  type Statement,
} from "./iam";

export interface ServiceRoleProps {
  readonly roleName: string;
  /** @default "/" */
  readonly path?: string;
  readonly description: string;
  /** The service principal that may assume the role, e.g. `ec2.amazonaws.com`. */
  readonly trustedService: string;
  /**
   * Conditions on the service's sts:AssumeRole, e.g. `aws:SourceAccount` and `aws:SourceArn` against the confused
   * deputy problem. @default - none
   */
  readonly trustConditions?: Conditions;
  /** Name of the inline policy that collects grants. */
  readonly policyName: string;
  /** @default - no permissions boundary */
  readonly permissionsBoundaryArn?: string;
  /** How the inline policy is written. @default renderPolicy - JSON text, rendered at synth time */
  readonly policyRenderer?: PolicyRenderer;
}

/**
 * An IAM role assumed by an AWS service, whose inline policy (`Policy`) is rendered at synth time from every
 * statement granted to it, so grants made after construction still reach it. The role is the child `Resource`.
 */
export class ServiceRole extends Construct implements IGrantable {
  public readonly role: IamRole;
  /** The inline policy that collects every grant. */
  public readonly policy: IamRolePolicy;
  private readonly collector = new StatementCollector();

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "Resource", {
      name: props.roleName,
      path: props.path,
      description: props.description,
      assumeRolePolicy: renderPolicy([
        {
          effect: "Allow",
          principals: { Service: [props.trustedService] },
          actions: ["sts:AssumeRole"],
          conditions: props.trustConditions,
        },
      ]),
      permissionsBoundary: props.permissionsBoundaryArn,
    });
    this.policy = new IamRolePolicy(this, "Policy", {
      name: props.policyName,
      role: this.role.id,
      policy: this.collector.lazyDocument(props.policyRenderer),
    });
  }

  public addToPrincipalPolicy(statement: Statement): void {
    this.collector.addToPrincipalPolicy(statement);
  }

  /** The statements of the inline policy so far (for policy checks that read typed statements). */
  public get statements(): readonly Statement[] {
    return this.collector.statements;
  }
}
