import {
  DataAwsOrganizationsDelegatedAdministrators,
  DataAwsOrganizationsOrganization,
  DataAwsSsoadminInstances,
} from "../core/aws";
import { Construct } from "../core/cdktf";
import { checkOnPlan, containsAll } from "../core/plan-checks";

export interface IdentityCenterPlacementCheckProps {
  /** The account the provider runs in (the identity file's management or delegated-admin account). */
  readonly account: string;
  /** The region the provider runs in (the identity file's home region). */
  readonly homeRegion: string;
  readonly instanceArn: string;
  readonly identityStoreId: string;
}

/** Identity Center's service principal, as registered for delegated administration. */
export const SSO_SERVICE_PRINCIPAL = "sso.amazonaws.com";

/**
 * Plan-time checks that the identity stack's provider is where Identity Center's APIs answer, before any permission
 * set is planned:
 * - the account is the organization's management account or a delegated administrator for sso.amazonaws.com
 *   (`aws_organizations_organization.master_account_id`, `aws_organizations_delegated_administrators`);
 * - ListInstances there, in the provider's region, returns the configured instance and identity store, which holds
 *   only in Identity Center's home region (`aws_ssoadmin_instances`).
 * The provider's `allowed_account_ids` already refuses credentials of any other account.
 */
export class IdentityCenterPlacementCheck extends Construct {
  public readonly organization: DataAwsOrganizationsOrganization;
  public readonly delegatedAdministrators: DataAwsOrganizationsDelegatedAdministrators;
  public readonly instances: DataAwsSsoadminInstances;

  constructor(scope: Construct, id: string, props: IdentityCenterPlacementCheckProps) {
    super(scope, id);
    this.delegatedAdministrators = new DataAwsOrganizationsDelegatedAdministrators(this, "SsoDelegatedAdministrators", {
      servicePrincipal: SSO_SERVICE_PRINCIPAL,
    });
    this.organization = new DataAwsOrganizationsOrganization(this, "Organization", {});
    const delegated = `[for a in ${this.delegatedAdministrators.fqn}.delegated_administrators : a.id]`;
    const account = JSON.stringify(props.account);
    checkOnPlan(this.organization, [
      {
        condition: `self.master_account_id == ${account} || contains(${delegated}, ${account})`,
        errorMessage: `Identity stack: account ${props.account} (identity file: account) is neither the organization's management account (\${self.master_account_id}) nor a delegated administrator for ${SSO_SERVICE_PRINCIPAL}; permission sets and assignments can only be managed from one of those. Set account to the management account, or register ${props.account} (aws organizations register-delegated-administrator --service-principal ${SSO_SERVICE_PRINCIPAL}).`,
      },
    ]);
    this.instances = new DataAwsSsoadminInstances(this, "Instances", {});
    const notHere = `is not visible from account ${props.account} in ${props.homeRegion}: Identity Center answers only in its home region (identity file: homeRegion) and in the management or delegated-admin account`;
    checkOnPlan(this.instances, [
      {
        condition: containsAll("arns", [props.instanceArn]),
        errorMessage: `Identity stack: the Identity Center instance ${props.instanceArn} (identity file: instanceArn) ${notHere}.`,
      },
      {
        condition: containsAll("identity_store_ids", [props.identityStoreId]),
        errorMessage: `Identity stack: the identity store ${props.identityStoreId} (identity file: identityStoreId) ${notHere}.`,
      },
    ]);
  }
}

/** For the generated terraform test: an account that is neither the management account nor a delegated admin. */
export const OTHER_ACCOUNT = "000000000000";
