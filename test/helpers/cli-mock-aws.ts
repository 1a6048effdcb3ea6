/**
 * A preload (`node -r <swc hook> -r test/helpers/cli-mock-aws.ts cli/bin.ts …`) that answers the command's AWS calls
 * from the scenario in the JSON file BASTIONLESS_TEST_AWS_SCENARIO names: the real program, mocked AWS.
 */
import * as fs from "fs";
import { mockAws, type AwsScenario } from "./cli";

const file = process.env.BASTIONLESS_TEST_AWS_SCENARIO;
if (!file) throw new Error("BASTIONLESS_TEST_AWS_SCENARIO is not set");
mockAws(JSON.parse(fs.readFileSync(file, "utf8")) as AwsScenario);
